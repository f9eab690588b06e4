package io.batchwise.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class SyncPeriodTest {
  private static final SyncPeriod ADAPTIVE = SyncPeriod.parse("adaptive", 1000);

  @Test
  void theAdaptivePeriodKeepsTheCombinedBatchBelowTheNoiseScale() {
    // K = 4, B = 8, B_noise = 1000: K H B = 4 * 8 * 31 = 992 <= 1000
    assertEquals(31, ADAPTIVE.steps(4, 8, 1000, Double.NaN));
    assertEquals(4 * 8 * 31, SyncPeriod.combinedBatch(4, 8, 31), 1e-12);
    assertTrue(ADAPTIVE.steps(4, 8, 4000, Double.NaN) > 31, "more noise: longer");
    assertTrue(ADAPTIVE.steps(16, 8, 1000, Double.NaN) < 31, "more learners: shorter");
  }

  @Test
  void aModelThatMeasuresItsCurvatureMergesWithinAQuarterOfItsTimeScale() {
    // K H eps h <= 1/4: K = 4, eps h = 0.001: H = 62 (K H eps h = 0.248), whatever B_noise says
    assertEquals(62, ADAPTIVE.steps(4, 8, 1000, 0.001));
    assertEquals(62, ADAPTIVE.steps(4, 8, Double.NaN, 0.001));
    assertEquals(31, ADAPTIVE.steps(8, 8, 1000, 0.001), "twice the learners: half the period");
    assertEquals(1, ADAPTIVE.steps(4, 8, 1000, 0.5), "a sharp step: after every update");
    assertEquals(Integer.MAX_VALUE, ADAPTIVE.steps(1, 8, 1000, 0.001), "one learner");
    assertEquals(16, SyncPeriod.parse("16", 1000).steps(4, 8, 1000, 0.001));
  }

  @Test
  void atLeastOneUpdateAndUnboundedWhereStalenessCostsNothing() {
    assertEquals(1, ADAPTIVE.steps(32, 64, 10, Double.NaN), "past B_noise at once: after every update");
    assertEquals(1, ADAPTIVE.steps(4, 8, Double.NaN, Double.NaN), "unknown noise: cautious");
    assertEquals(Integer.MAX_VALUE, ADAPTIVE.steps(4, 8, Double.POSITIVE_INFINITY, Double.NaN), "pure noise");
    assertEquals(Integer.MAX_VALUE, ADAPTIVE.steps(1, 8, 1000, Double.NaN), "one learner");
  }

  @Test
  void aFixedPeriodIgnoresTheNoise() {
    SyncPeriod fixed = SyncPeriod.parse("16", 1000);
    assertFalse(fixed.adaptive());
    assertEquals(16, fixed.steps(4, 8, 1000, Double.NaN));
    assertEquals(16, fixed.steps(32, 64, Double.NaN, Double.NaN));
    assertEquals("16", fixed.spec());
    assertEquals("adaptive", ADAPTIVE.spec());
  }

  @Test
  void dueAfterHUpdatesOrTheStalenessLimit() {
    assertFalse(ADAPTIVE.due(0, 5000, 4, 8, 1000, Double.NaN), "nothing to merge");
    assertFalse(ADAPTIVE.due(30, 999, 4, 8, 1000, Double.NaN));
    assertTrue(ADAPTIVE.due(31, 0, 4, 8, 1000, Double.NaN));
    assertTrue(ADAPTIVE.due(1, 1000, 4, 8, Double.POSITIVE_INFINITY, Double.NaN),
        "the staleness limit bounds an unbounded H");
  }

  @Test
  void theMergeScaleFollowsTheCouplingForTheCombinedBatch() {
    // AdaScale: (B_noise + x) / (B_noise + X) = (100 + 10) / (100 + 40), as for K = 4 learners of 10 examples each
    assertEquals(110.0 / 140.0, SyncPeriod.mergeScale(LearningRateCoupling.ADASCALE, 10, 40, 100), 1e-12);
    assertEquals(1.0, SyncPeriod.mergeScale(LearningRateCoupling.ADASCALE, 50, 200, Double.POSITIVE_INFINITY), 1e-12,
        "pure noise: the sum");
    assertEquals(0.25, SyncPeriod.mergeScale(LearningRateCoupling.ADASCALE, 10, 40, 0), 1e-12, "no noise: the share");
    assertEquals(0.25, SyncPeriod.mergeScale(LearningRateCoupling.ADASCALE, 10, 40, Double.NaN), 1e-12,
        "unknown: the share");
    assertEquals(0.0101, SyncPeriod.mergeScale(LearningRateCoupling.ADASCALE, 1000, 100_000, 20), 1e-4,
        "far above B_noise: nearly the share");
    assertEquals(1.0, SyncPeriod.mergeScale(LearningRateCoupling.LINEAR, 50, 200, 100), 1e-12);
    assertEquals(0.5, SyncPeriod.mergeScale(LearningRateCoupling.SQRT, 50, 200, 100), 1e-12);
    assertEquals(0.25, SyncPeriod.mergeScale(LearningRateCoupling.NONE, 50, 200, 100), 1e-12, "the average by examples");
    assertEquals(1.0, SyncPeriod.mergeScale(LearningRateCoupling.NONE, 50, 50, 100), 1e-12, "nothing else merged");
    assertEquals(1.0, SyncPeriod.mergeScale(LearningRateCoupling.NONE, 0, 100, 100), 1e-12, "nothing learned");
  }

  /**
   * Noisy SGD on a quadratic, 0.5 h |w - w*|^2, from {@code start}: each update of rate eps takes a step along the
   * gradient at the current point plus the batch's noise, drawn from {@code noise}.
   */
  private static double[] sgd(double[] start, double[] minimum, double eps, double h, int updates, Random noise) {
    double[] w = start.clone();
    for (int t = 0; t < updates; t++) {
      for (int j = 0; j < w.length; j++) {
        w[j] -= eps * (h * (w[j] - minimum[j]) + noise.nextGaussian());
      }
    }
    return w;
  }

  @Test
  void onAQuadraticTheMergeIsWhereOneLearnerTakingBothPartsWouldBe() {
    double[] minimum = {1, -2, 0.5};
    double[] base = {0, 0, 0};
    double eps = 0.05;
    double h = 0.4;  // eps h = 0.02 a step
    for (int[] parts : new int[][] {{5, 7}, {60, 150}, {400, 300}}) {
      int unseen = parts[0];
      int updates = parts[1];
      // the model's updates and the learner's, from the same base, each with noise of its own
      double[] model = sgd(base, minimum, eps, h, unseen, new Random(1));
      double[] learner = sgd(base, minimum, eps, h, updates, new Random(2));
      // one learner taking both, with the same noise, in either order
      double[] modelThenLearner = sgd(model, minimum, eps, h, updates, new Random(2));
      double[] learnerThenModel = sgd(learner, minimum, eps, h, unseen, new Random(1));
      SyncPeriod.MergeWeights weights = SyncPeriod.mergeWeights(eps * h, updates, unseen);
      double summedError = 0;
      for (int j = 0; j < base.length; j++) {
        double d = learner[j] - base[j];
        double moved = model[j] - base[j];
        double merged = model[j] + weights.delta() * d - weights.takenBack() * moved;
        double expected = (modelThenLearner[j] + learnerThenModel[j]) / 2;
        assertEquals(expected, merged, 1e-9, unseen + " and " + updates + " updates, parameter " + j);
        summedError = Math.max(summedError, Math.abs(model[j] + d - expected));
      }
      if (unseen >= 60) {
        assertTrue(summedError > 0.5, "both parts most of the way: adding them up overshoots by " + summedError);
      }
    }
    assertEquals(SyncPeriod.MergeWeights.SUM, SyncPeriod.mergeWeights(0.02, 10, 0), "nothing merged meanwhile");
    assertEquals(SyncPeriod.MergeWeights.SUM, SyncPeriod.mergeWeights(Double.NaN, 10, 10), "no curvature: the sum");
    SyncPeriod.MergeWeights flat = SyncPeriod.mergeWeights(1e-9, 10, 10);
    assertEquals(1.0, flat.delta(), 1e-6, "a flat loss: the sum");
    assertEquals(0.0, flat.takenBack(), 1e-6);
    SyncPeriod.MergeWeights steep = SyncPeriod.mergeWeights(0.5, 100, 100);
    assertEquals(0.5, steep.delta(), 1e-12, "both at the minimum: the mean of where they got to");
    assertEquals(0.5, steep.takenBack(), 1e-12);
  }

  @Test
  void badSpecsSayWhat() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SyncPeriod.parse("often", 1000));
    assertEquals("sync period must be 'adaptive' or a number of updates of at least 1, got 'often'", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SyncPeriod.parse("0", 1000));
    assertThrows(IllegalArgumentException.class, () -> SyncPeriod.parse("adaptive", 0));
  }
}
