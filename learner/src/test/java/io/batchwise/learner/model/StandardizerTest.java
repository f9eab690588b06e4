package io.batchwise.learner.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class StandardizerTest {

  @Test
  void batchMergesEqualTwoPassWeightedMeanAndVariance() {
    int d = 3;
    Random rnd = new Random(5);
    Standardizer s = new Standardizer(d);
    int rows = 0;
    double[][] x = new double[200][];
    double[] w = new double[200];
    double[] out = new double[d];
    int[] batchSizes = {1, 7, 32, 3, 100, 57};
    for (int b : batchSizes) {
      for (int i = 0; i < b; i++) {
        x[rows] = new double[] {1e6 + rnd.nextGaussian(), 3 * rnd.nextGaussian(), -2 + 0.01 * rnd.nextGaussian()};
        w[rows] = 0.5 + rnd.nextDouble();
        s.standardizeAndObserve(x[rows], 0, w[rows], out, 0);
        rows++;
      }
      s.commitBatch();
    }
    double wSum = 0;
    double[] mean = new double[d];
    for (int i = 0; i < rows; i++) {
      wSum += w[i];
      for (int j = 0; j < d; j++) {
        mean[j] += w[i] * x[i][j];
      }
    }
    double[] m2 = new double[d];
    for (int j = 0; j < d; j++) {
      mean[j] /= wSum;
      for (int i = 0; i < rows; i++) {
        m2[j] += w[i] * (x[i][j] - mean[j]) * (x[i][j] - mean[j]);
      }
    }
    ModelState.Standardization st = s.exportState();
    assertEquals(wSum, st.count(), 1e-9);
    for (int j = 0; j < d; j++) {
      assertEquals(mean[j], st.mean()[j], 1e-14 * Math.abs(mean[j]) + 1e-12);
    }
    for (int j = 0; j < d; j++) {
      assertEquals(m2[j], st.m2()[j], 1e-9 * m2[j]);
    }
  }

  @Test
  void aBatchIsStandardizedWithTheStatisticsFromBeforeIt() {
    Standardizer s = new Standardizer(1);
    double[] out = new double[1];
    s.standardizeAndObserve(new double[] {1.0}, 0, 1.0, out, 0);
    assertEquals(0.0, out[0], 0.0); // nothing seen yet: every feature maps to 0
    s.standardizeAndObserve(new double[] {3.0}, 0, 1.0, out, 0);
    assertEquals(0.0, out[0], 0.0); // still the statistics from before the batch
    s.commitBatch(); // mean 2, variance 1
    s.standardize(new double[] {5.0}, 0, out, 0);
    assertEquals(3.0, out[0], 1e-15);
  }

  @Test
  void constantFeaturesMapToZeroAndRestoredStatisticsStandardizeIdentically() {
    Standardizer s = new Standardizer(2);
    double[] out = new double[2];
    for (int i = 0; i < 10; i++) {
      s.standardizeAndObserve(new double[] {0.1, i}, 0, 1.0, out, 0);
      s.commitBatch();
    }
    Standardizer r = Standardizer.of(s.exportState());
    double[] a = new double[2];
    double[] b = new double[2];
    s.standardize(new double[] {0.1, 4.2}, 0, a, 0);
    r.standardize(new double[] {0.1, 4.2}, 0, b, 0);
    assertEquals(0.0, a[0], 0.0);
    assertArrayEquals(a, b, 0.0);
  }
}
