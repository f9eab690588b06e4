package io.batchwise.learner.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Random;

import org.junit.jupiter.api.Test;

class StandardizationTest {
  /** Count, mean and sum of squared deviations of rows [from, to), computed directly. */
  private static ModelState.Standardization of(double[][] rows, int from, int to) {
    int d = rows[0].length;
    double[] mean = new double[d];
    double[] m2 = new double[d];
    for (int j = 0; j < d; j++) {
      for (int i = from; i < to; i++) {
        mean[j] += rows[i][j] / (to - from);
      }
      for (int i = from; i < to; i++) {
        m2[j] += (rows[i][j] - mean[j]) * (rows[i][j] - mean[j]);
      }
    }
    return new ModelState.Standardization(to - from, mean, m2);
  }

  private static double[][] rows(int n, int d, long seed) {
    Random random = new Random(seed);
    double[][] rows = new double[n][d];
    for (double[] row : rows) {
      for (int j = 0; j < d; j++) {
        row[j] = 3 + 2 * random.nextGaussian() + j;
      }
    }
    return rows;
  }

  @Test
  void plusIsTheStatisticsOfBothSetsOfExamples() {
    double[][] rows = rows(500, 3, 1);
    ModelState.Standardization both = of(rows, 0, 120).plus(of(rows, 120, 500));
    ModelState.Standardization direct = of(rows, 0, 500);
    assertEquals(500, both.count());
    assertArrayEquals(direct.mean(), both.mean(), 1e-12);
    assertArrayEquals(direct.m2(), both.m2(), 1e-9);
  }

  @Test
  void minusGivesTheExamplesAddedBeyondTheBase() {
    double[][] rows = rows(10_000, 4, 2);
    ModelState.Standardization base = of(rows, 0, 9_900);
    ModelState.Standardization added = of(rows, 0, 10_000).minus(base);
    ModelState.Standardization direct = of(rows, 9_900, 10_000);
    assertEquals(100, added.count(), 1e-9);
    assertArrayEquals(direct.mean(), added.mean(), 1e-9);
    assertArrayEquals(direct.m2(), added.m2(), 1e-6);
  }

  @Test
  void emptySidesLeaveTheOther() {
    double[][] rows = rows(50, 2, 3);
    ModelState.Standardization some = of(rows, 0, 50);
    ModelState.Standardization none = ModelState.Standardization.empty(2);
    assertSame(some, some.plus(none));
    assertSame(some, none.plus(some));
    assertSame(some, some.minus(none));
    assertEquals(0, some.minus(some).count());
  }

  @Test
  void aStandardizerLoadsStatisticsInPlace() {
    double[][] rows = rows(200, 3, 4);
    ModelState.Standardization stats = of(rows, 0, 200);
    Standardizer standardizer = new Standardizer(3);
    standardizer.load(stats);
    double[] out = new double[3];
    standardizer.standardize(new double[] {stats.mean()[0], stats.mean()[1], stats.mean()[2] + Math.sqrt(stats.m2()[2] / 200)},
        0, out, 0);
    assertArrayEquals(new double[] {0, 0, 1}, out, 1e-12);
    assertEquals(200, standardizer.count());
  }
}
