package io.batchwise.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SyncPeriodTest {
  private static final SyncPeriod ADAPTIVE = SyncPeriod.parse("adaptive", 1000);

  /** Progress per second of a replica's time at period H: E(H) H B / (H B c + m). */
  private static double goodput(int k, double b, int h, double noise, double c, double m) {
    return SyncPeriod.efficiency(k, b, h, noise) * h * b / (h * b * c + m);
  }

  @Test
  void theEfficiencyIsThatOfTheCombinedBatch() {
    // (B_noise + H B) / (B_noise + K H B) = (1000 + 80) / (1000 + 320)
    assertEquals(1080.0 / 1320.0, SyncPeriod.efficiency(4, 8, 10, 1000), 1e-12);
    assertEquals(1.0, SyncPeriod.efficiency(1, 8, 10, 1000), 1e-12);
    assertEquals(1.0, SyncPeriod.efficiency(4, 8, 10, Double.POSITIVE_INFINITY), 1e-12);
    assertEquals(0.25, SyncPeriod.efficiency(4, 8, 10, 0), 1e-12);
    assertEquals(4 * 8 * 10, SyncPeriod.combinedBatch(4, 8, 10), 1e-12);
  }

  @Test
  void theAdaptivePeriodMakesTheMostProgressPerSecond() {
    // K = 4, B = 8, B_noise = 1000, c = 100 us, m = 10 ms: a = c N (K - 1) - m K = 0.26,
    // x = N (m + sqrt(m^2 + a m)) / a = 238.3 examples, H = floor(x / B) = 29
    assertEquals(29, ADAPTIVE.steps(4, 8, 1000, 1e-4, 0.01));
    for (double noise : new double[] {1000, 4000, 20_000}) {
      int chosen = ADAPTIVE.steps(4, 8, noise, 1e-4, 0.01);
      double best = 0;
      for (int h = 1; h <= noise / 32; h++) {
        best = Math.max(best, goodput(4, 8, h, noise, 1e-4, 0.01));
      }
      assertEquals(best, goodput(4, 8, chosen, noise, 1e-4, 0.01), best * 1e-3, "B_noise " + noise);
    }
    // more noise or dearer merges: longer; more learners or cheaper merges: shorter
    assertTrue(ADAPTIVE.steps(4, 8, 4000, 1e-4, 0.01) > 29);
    assertEquals(31, ADAPTIVE.steps(4, 8, 1000, 1e-4, 0.04), "but K H B below B_noise: floor(1000 / 32)");
    assertTrue(ADAPTIVE.steps(16, 8, 1000, 1e-4, 0.01) < 29);
    assertTrue(ADAPTIVE.steps(4, 8, 1000, 1e-4, 0.001) < 29);
  }

  @Test
  void atLeastOneUpdateAndUnboundedWhereStalenessCostsNothing() {
    assertEquals(1, ADAPTIVE.steps(32, 64, 10, 1e-4, 1e-6), "cheap merges past B_noise: after every update");
    assertEquals(1, ADAPTIVE.steps(4, 8, Double.NaN, 1e-4, 0.01), "unknown noise: cautious");
    assertEquals(1, ADAPTIVE.steps(4, 8, 1000, Double.NaN, 0.01), "unknown cost: cautious");
    assertEquals(1, ADAPTIVE.steps(4, 8, 1000, 1e-4, 0), "merges that cost nothing");
    assertEquals(Integer.MAX_VALUE, ADAPTIVE.steps(4, 8, Double.POSITIVE_INFINITY, 1e-4, 0.01), "pure noise");
    assertEquals(Integer.MAX_VALUE, ADAPTIVE.steps(1, 8, 1000, 1e-4, 0.01), "one learner");
    // merges dearer than all the staleness could cost (c N (K - 1) = 0.3 < m K = 0.4): K H B below B_noise decides
    assertEquals(31, ADAPTIVE.steps(4, 8, 1000, 1e-4, 0.1));
    assertEquals(1, ADAPTIVE.steps(4, 8, 10, 1e-4, 0.01));
  }

  @Test
  void aFixedPeriodIgnoresTheNoise() {
    SyncPeriod fixed = SyncPeriod.parse("16", 1000);
    assertFalse(fixed.adaptive());
    assertEquals(16, fixed.steps(4, 8, 1000, 1e-4, 0.01));
    assertEquals(16, fixed.steps(32, 64, Double.NaN, 1e-4, 0.01));
    assertEquals("16", fixed.spec());
    assertEquals("adaptive", ADAPTIVE.spec());
  }

  @Test
  void dueAfterHUpdatesOrTheStalenessLimit() {
    assertFalse(ADAPTIVE.due(0, 5000, 4, 8, 1000, 1e-4, 0.01), "nothing to merge");
    assertFalse(ADAPTIVE.due(28, 999, 4, 8, 1000, 1e-4, 0.01));
    assertTrue(ADAPTIVE.due(29, 0, 4, 8, 1000, 1e-4, 0.01));
    assertTrue(ADAPTIVE.due(1, 1000, 4, 8, Double.POSITIVE_INFINITY, 1e-4, 0.01),
        "the staleness limit bounds an unbounded H");
  }

  @Test
  void theMergeScaleFollowsTheCouplingForTheCombinedBatch() {
    // AdaScale: (B_noise + x) / (B_noise + X) = (100 + 10) / (100 + 40), as for K = 4 learners of 10 examples each
    assertEquals(110.0 / 140.0, SyncPeriod.mergeScale(LearningRateCoupling.ADASCALE, 10, 40, 100), 1e-12);
    assertEquals(SyncPeriod.efficiency(4, 10, 1, 100), SyncPeriod.mergeScale(LearningRateCoupling.ADASCALE, 10, 40, 100),
        1e-12);
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

  @Test
  void badSpecsSayWhat() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SyncPeriod.parse("often", 1000));
    assertEquals("sync period must be 'adaptive' or a number of updates of at least 1, got 'often'", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SyncPeriod.parse("0", 1000));
    assertThrows(IllegalArgumentException.class, () -> SyncPeriod.parse("adaptive", 0));
  }
}
