package io.batchwise.policy.goodput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GoodputFunctionTest {

  @Test
  void efficiencyIsTheNoiseScaleFormulaAndOneAtTheBaseBatch() {
    GradientNoise g = new GradientNoise(300, 3); // B_noise = 100
    assertEquals(100, g.noiseScale(), 1e-12);
    assertEquals(1.0, g.efficiency(8, 8), 1e-12);
    assertEquals((100.0 + 8) / (100 + 64), g.efficiency(64, 8), 1e-12);
  }

  @Test
  void adaScaleGainMatchesJohnsonEtAlAndLiesBetweenOneAndTheScale() {
    GradientNoise g = new GradientNoise(300, 3);
    double b0 = 4;
    for (int b = 4; b <= 4096; b *= 2) {
      double expected = (300 / b0 + 3) / (300.0 / b + 3);
      double r = g.adaScaleGain(b, b0);
      assertEquals(expected, r, 1e-12);
      assertTrue(r >= 1 - 1e-12 && r <= b / b0 + 1e-12);
    }
    assertEquals(1.0, GradientNoise.UNKNOWN.adaScaleGain(64, 4), 0);
    // B0 = infinity: B / (B + B_noise), McCandlish et al.'s optimal step relative to the noise-free one
    assertEquals(50.0 / (50 + 100), g.adaScaleGain(50, Double.POSITIVE_INFINITY), 1e-12);
    assertEquals(0.25, GradientNoise.UNKNOWN.adaScaleGain(1, 4), 0);
  }

  @Test
  void pureNoiseAndNoNoiseLimits() {
    assertEquals(Double.POSITIVE_INFINITY, new GradientNoise(5, 0).noiseScale());
    assertEquals(1.0, new GradientNoise(5, 0).efficiency(1000, 1), 0);
    assertEquals(1.0 / 1000, new GradientNoise(0, 5).efficiency(1000, 1), 1e-15);
    assertEquals(Double.NaN, new GradientNoise(0, 0).noiseScale());
  }

  @Test
  void keepUpBatchMakesThroughputEqualTheRate() {
    StepTime t = new StepTime(2e-3, 5e-6);
    double rate = 100_000;
    double b = t.keepUpBatch(rate);
    assertEquals(2e-3 * rate / (1 - 5e-6 * rate), b, 1e-9);
    assertEquals(rate, t.throughput(b), 1e-6 * rate);
    assertEquals(Double.POSITIVE_INFINITY, t.keepUpBatch(200_000)); // beta lambda = 1
    assertEquals(0, t.keepUpBatch(0));
  }

  @Test
  void offlineOptimumMatchesNumericMaximization() {
    GoodputFunction f = new GoodputFunction(new GradientNoise(2000, 0.5), new StepTime(1e-3, 4e-6), 1);
    double closedForm = f.offlineOptimum();
    assertEquals(Math.sqrt(1e-3 * 4000 / 4e-6), closedForm, 1e-9);
    double best = 1;
    for (double b = 1; b <= 1e6; b *= 1.0001) {
      if (f.goodput(b) > f.goodput(best)) {
        best = b;
      }
    }
    assertEquals(closedForm, best, 1e-3 * closedForm);
  }

  @Test
  void streamOptimumMatchesBruteForceOverIntegers() {
    double[][] cases = {
        {2000, 0.5, 1e-3, 4e-6, 1_000}, {2000, 0.5, 1e-3, 4e-6, 100_000}, {2000, 0.5, 1e-3, 4e-6, 240_000},
        {10, 5, 1e-4, 1e-6, 50_000}, {10, 5, 1e-4, 1e-6, 500_000}, {1e5, 1e-3, 5e-4, 1e-7, 3e6}, {1, 1, 0, 1e-6, 10}, {1, 1, 1e-3, 0, 1e6}};
    for (double[] c : cases) {
      GoodputFunction f = new GoodputFunction(new GradientNoise(c[0], c[1]), new StepTime(c[2], c[3]), 1);
      double rate = c[4];
      for (int[] bounds : new int[][] {{1, 4096}, {16, 64}, {1, 1}, {100, 4096}}) {
        int chosen = f.streamOptimum(rate, bounds[0], bounds[1]);
        assertEquals(bruteForce(f, rate, bounds[0], bounds[1]), chosen,
            () -> "case " + java.util.Arrays.toString(c) + " bounds " + java.util.Arrays.toString(bounds));
      }
    }
  }

  @Test
  void offlineOptimumClampsAndRoundsByGoodput() {
    GoodputFunction f = new GoodputFunction(new GradientNoise(2000, 0.5), new StepTime(1e-3, 4e-6), 1);
    assertEquals(1000, f.offlineOptimum(1, 4096)); // sqrt(1e-3 * 4000 / 4e-6)
    assertEquals(512, f.offlineOptimum(1, 512));
    assertEquals(2000, f.offlineOptimum(2000, 4096));
    assertEquals(4096, new GoodputFunction(new GradientNoise(1, 0), new StepTime(1e-3, 4e-6), 1).offlineOptimum(1, 4096));
  }

  @Test
  void aCappedGainCapsTheEfficiencyAndTheOptimum() {
    GradientNoise g = new GradientNoise(2000, 0.5); // B_noise = 4000
    double b0 = 32;
    double atTwo = g.batchAtGain(2, b0);
    assertEquals(2, g.adaScaleGain(atTwo, b0), 1e-9);
    assertEquals(b0, g.batchAtGain(1, b0), 1e-9); // the gain is 1 exactly at b0
    assertEquals(Double.POSITIVE_INFINITY, g.batchAtGain(1000, b0)); // at most 1 + B_noise / b0 = 126
    assertEquals(64, GradientNoise.UNKNOWN.batchAtGain(2, b0)); // unknown: as if only noise, gain B / b0
    assertEquals(64, new GoodputFunction(GradientNoise.UNKNOWN, new StepTime(1e-3, 4e-6), b0, 2).offlineOptimum());
    GoodputFunction capped = new GoodputFunction(g, new StepTime(1e-3, 4e-6), b0, 2);
    assertEquals(g.efficiency(atTwo / 2, b0), capped.efficiency(atTwo / 2), 1e-12); // below the cap: E(B)
    assertEquals(2 * b0 / 1000, capped.efficiency(1000), 1e-12); // above it: maxGain B0 / B
    assertEquals(atTwo, capped.offlineOptimum(), 1e-9); // sqrt(alpha B_noise / beta) = 1000 is beyond the cap
    assertEquals(1000, new GoodputFunction(g, new StepTime(1e-3, 4e-6), b0).offlineOptimum(), 1e-9);
  }

  @Test
  void aLearningRateRuleLimitsTheProgressOfAStep() {
    StepTime t = new StepTime(1e-3, 4e-6); // alpha / beta = 250
    GradientNoise pureNoise = new GradientNoise(1, 0); // B_noise infinite: r(B) = B / B0
    // sqrt rule: a step is worth min(B/B0, sqrt(B/B0)) steps at B0, so goodput rises as B / T(B) up to
    // B0 and then as sqrt(B B0) / T(B), whose maximum is at alpha / beta
    GoodputFunction sqrt = new GoodputFunction(pureNoise, t, 32, Double.POSITIVE_INFINITY, 0.5);
    assertEquals(Math.sqrt(100 / 32.0) * 32 / 100, sqrt.efficiency(100), 1e-12); // sqrt(B/B0) steps at B0
    assertEquals(250, sqrt.offlineOptimum(), 0.1);
    assertEquals(500, new GoodputFunction(pureNoise, t, 500, Double.POSITIVE_INFINITY, 0.5).offlineOptimum(), 0.1);
    assertEquals(32, new GoodputFunction(pureNoise, t, 32, 1, 0.5).offlineOptimum(), 0.1); // the cap: B0
    // the numerical optimum against brute force over every integer batch, for clean and noisy gradients
    for (double[] c : new double[][] {{2000, 0.5}, {10, 1}, {1, 1}, {300, 0.01}}) {
      for (double p : new double[] {0, 0.5, 1}) {
        GoodputFunction f = new GoodputFunction(new GradientNoise(c[0], c[1]), t, 32, 4, p);
        int best = 1;
        for (int b = 2; b <= 4096; b++) {
          if (f.goodput(b) > f.goodput(best)) {
            best = b;
          }
        }
        assertEquals(f.goodput(best), f.goodput(f.offlineOptimum(1, 4096)), 1e-9 * f.goodput(best),
            "tr " + c[0] + ", |G|^2 " + c[1] + ", p " + p);
      }
    }
  }

  @Test
  void theOptimalStepFollowsMcCandlish() {
    GradientNoise g = new GradientNoise(1000, 1); // B_noise = 1000
    // eps_opt(B) / eps0 = 1 / (eps0 h (1 + B_noise / B))
    assertEquals(1 / (0.01 * 1001), g.optimalRateMultiplier(1, 0.01, 1e9), 1e-12);
    assertEquals(1 / (0.01 * 2), g.optimalRateMultiplier(1000, 0.01, 1e9), 1e-12);
    assertEquals(1 / (0.01 * 101), g.optimalRateMultiplier(1, 0.01, 100), 1e-12); // B_noise counted as 100
    assertEquals(1 / (0.01 * 101), new GradientNoise(1, 0).optimalRateMultiplier(1, 0.01, 100), 1e-12); // infinite
    assertEquals(Double.POSITIVE_INFINITY, GradientNoise.UNKNOWN.optimalRateMultiplier(1, 0.01, 100));
    assertEquals(Double.POSITIVE_INFINITY, g.optimalRateMultiplier(1, Double.NaN, 100));
    assertEquals(Double.POSITIVE_INFINITY, g.optimalRateMultiplier(1, 0, 100));
  }

  @Test
  void withTheCurvatureKnownProgressFollowsTheQuadraticModel() {
    StepTime t = new StepTime(1e-3, 4e-6);
    GradientNoise g = new GradientNoise(1000, 1);
    double s = 0.01;
    GoodputFunction f = new GoodputFunction(g, t, 1, 1, Double.NaN, s, 1e9);
    assertTrue(f.curvatureKnown());
    assertEquals(1.0, f.efficiency(1), 1e-12);
    // at B = 1 the cap binds (AdaScale gain 1 > 1 / (s 1001)): m = eps_opt, progress m / 2
    double m1 = 1 / (s * 1001);
    assertEquals(m1, f.rateMultiplier(1), 1e-12);
    // at B = 100 the cap 1 / (s 11) = 9.1 is above maxGain 1: m = 1, progress 1 - s (1 + 10) / 2
    assertEquals(1.0, f.rateMultiplier(100), 1e-12);
    assertEquals((1 - s * 11 / 2) / 100 / (m1 / 2), f.efficiency(100), 1e-12);
    // a rate too high for the noise at B = 1 makes larger batches worth more per example, up to where m
    // reaches 1: the offline optimum against brute force over every integer batch
    int best = 1;
    for (int b = 2; b <= 4096; b++) {
      if (f.goodput(b) > f.goodput(best)) {
        best = b;
      }
    }
    assertTrue(best > 1);
    assertEquals(f.goodput(best), f.goodput(f.offlineOptimum(1, 4096)), 1e-3 * f.goodput(best)); // searched to 1% of B
    assertEquals(f.offlineOptimum(1, 4096), f.streamOptimum(1_000, 50_000, 1, 4096)); // waiting events
    assertEquals(2, f.streamOptimum(1_000, 0, 1, 4096)); // nothing waiting: the keep-up batch
    // without the curvature, the gain accounting of the same function
    GoodputFunction blind = new GoodputFunction(g, t, 1, 1, Double.NaN, Double.NaN, 1e9);
    assertFalse(blind.curvatureKnown());
    assertEquals(new GoodputFunction(g, t, 1, 1).efficiency(100), blind.efficiency(100), 1e-15);
  }

  @Test
  void waitingEventsAreTakenUpToTheOfflineOptimumNeverBelowKeepingUp() {
    GoodputFunction f = new GoodputFunction(new GradientNoise(2000, 0.5), new StepTime(1e-3, 4e-6), 1);
    assertEquals(2, f.streamOptimum(1_000, 1, 4096)); // B_k = 1e-3 * 1000 / (1 - 4e-3) = 1.004
    assertEquals(2, f.streamOptimum(1_000, 0, 1, 4096));
    assertEquals(300, f.streamOptimum(1_000, 300, 1, 4096));
    assertEquals(1000, f.streamOptimum(1_000, 50_000, 1, 4096)); // B* = 1000
    assertEquals(512, f.streamOptimum(1_000, 50_000, 1, 512));
    // 1e-3 * 2.4e5 / (1 - 0.96) = 6000 > 4096: none keeps up, so B* = 1000, the most learning per second
    assertEquals(1000, f.streamOptimum(240_000, 1, 4096));
  }

  /** The batch that keeps up and maximizes stream goodput; when none keeps up, the offline goodput maximum. */
  private static int bruteForce(GoodputFunction f, double rate, int lo, int hi) {
    int best = -1;
    for (int b = lo; b <= hi; b++) {
      if (f.stepTime().throughput(b) >= rate * (1 - 1e-12)
          && (best < 0 || f.streamGoodput(b, rate) > f.streamGoodput(best, rate))) {
        best = b;
      }
    }
    if (best >= 0) {
      return best;
    }
    best = lo;
    for (int b = lo; b <= hi; b++) {
      if (f.goodput(b) > f.goodput(best)) {
        best = b;
      }
    }
    return best;
  }
}
