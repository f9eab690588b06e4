package io.batchwise.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SyncPeriodTest {
  private static final SyncPeriod ADAPTIVE = SyncPeriod.parse("adaptive", 1.0, 1000);

  @Test
  void theAdaptivePeriodKeepsTheCombinedBatchWithinTheNoiseScale() {
    // K = 4, B = 8: K B = 32, so B_noise = 1000 allows H = floor(1000 / 32) = 31, and K H B = 992 <= 1000 < 1024
    assertEquals(31, ADAPTIVE.steps(4, 8, 1000));
    assertTrue(SyncPeriod.combinedBatch(4, 8, 31) <= 1000);
    assertTrue(SyncPeriod.combinedBatch(4, 8, 32) > 1000);
    // more noise, longer period; more learners or larger batches, shorter
    assertEquals(62, ADAPTIVE.steps(4, 8, 2000));
    assertEquals(15, ADAPTIVE.steps(8, 8, 1000));
    assertEquals(7, ADAPTIVE.steps(4, 32, 1000));
    // half of B_noise: H = floor(0.5 * 1000 / 32)
    assertEquals(15, SyncPeriod.parse("adaptive", 0.5, 1000).steps(4, 8, 1000));
  }

  @Test
  void atLeastOneUpdateAndUnboundedForPureNoise() {
    assertEquals(1, ADAPTIVE.steps(32, 64, 100));  // K B = 2048 is past B_noise already: merge after every update
    assertEquals(1, ADAPTIVE.steps(32, 64, 0));
    assertEquals(1, ADAPTIVE.steps(4, 8, Double.NaN));  // unknown: cautious
    assertEquals(1, ADAPTIVE.steps(4, 0, 1000));
    assertEquals(Integer.MAX_VALUE, ADAPTIVE.steps(4, 8, Double.POSITIVE_INFINITY));
    assertEquals(Integer.MAX_VALUE, ADAPTIVE.steps(1, 1, 1e300));
  }

  @Test
  void aFixedPeriodIgnoresTheNoise() {
    SyncPeriod fixed = SyncPeriod.parse("16", 1.0, 1000);
    assertFalse(fixed.adaptive());
    assertEquals(16, fixed.steps(4, 8, 1000));
    assertEquals(16, fixed.steps(32, 64, Double.NaN));
    assertEquals("16", fixed.spec());
    assertEquals("adaptive", ADAPTIVE.spec());
  }

  @Test
  void dueAfterHUpdatesOrTheStalenessLimit() {
    assertFalse(ADAPTIVE.due(0, 5000, 4, 8, 1000), "nothing to merge");
    assertFalse(ADAPTIVE.due(30, 999, 4, 8, 1000));
    assertTrue(ADAPTIVE.due(31, 0, 4, 8, 1000));
    assertTrue(ADAPTIVE.due(1, 1000, 4, 8, Double.POSITIVE_INFINITY), "the staleness limit bounds an unbounded H");
  }

  @Test
  void theMergeScaleFollowsTheCouplingForTheCombinedBatch() {
    // AdaScale: (B_noise + B) / (B_noise + K B) = (100 + 10) / (100 + 40)
    assertEquals(110.0 / 140.0, SyncPeriod.mergeScale(LearningRateCoupling.ADASCALE, 4, 10, 100), 1e-12);
    assertEquals(1.0, SyncPeriod.mergeScale(LearningRateCoupling.ADASCALE, 4, 10, Double.POSITIVE_INFINITY), 1e-12,
        "pure noise: the sum");
    assertEquals(0.25, SyncPeriod.mergeScale(LearningRateCoupling.ADASCALE, 4, 10, 0), 1e-12, "no noise: the average");
    assertEquals(0.25, SyncPeriod.mergeScale(LearningRateCoupling.ADASCALE, 4, 10, Double.NaN), 1e-12,
        "unknown: the average");
    assertEquals(1.0, SyncPeriod.mergeScale(LearningRateCoupling.LINEAR, 4, 10, 100), 1e-12);
    assertEquals(0.5, SyncPeriod.mergeScale(LearningRateCoupling.SQRT, 4, 10, 100), 1e-12);
    assertEquals(0.25, SyncPeriod.mergeScale(LearningRateCoupling.NONE, 4, 10, 100), 1e-12);
    assertEquals(1.0, SyncPeriod.mergeScale(LearningRateCoupling.NONE, 1, 10, 100), 1e-12, "one learner");
    // a mean batch size need not be whole: (50 + 1.5) / (50 + 3)
    assertEquals(51.5 / 53.0, SyncPeriod.mergeScale(LearningRateCoupling.ADASCALE, 2, 1.5, 50), 1e-12);
  }

  @Test
  void badSpecsSayWhat() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SyncPeriod.parse("often", 1, 1000));
    assertEquals("sync period must be 'adaptive' or a number of updates of at least 1, got 'often'", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SyncPeriod.parse("0", 1, 1000));
    assertThrows(IllegalArgumentException.class, () -> SyncPeriod.parse("adaptive", 0, 1000));
    assertThrows(IllegalArgumentException.class, () -> SyncPeriod.parse("adaptive", 1, 0));
  }
}
