package io.batchwise.policy.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SharpnessEstimatorTest {
  @Test
  void dividesOutTheMultiplierTheStepUsed() {
    SharpnessEstimator e = new SharpnessEstimator(1000);
    assertTrue(Double.isNaN(e.baseSharpness()));
    // eps0 h = 0.04 measured at multipliers 0.5 and 0.25: the base value whatever the rate was
    e.observe(1, 0.02, 0.5);
    assertEquals(0.04, e.baseSharpness(), 1e-15);
    e.observe(16, 0.01, 0.25);
    assertEquals(0.04, e.baseSharpness(), 1e-15);
  }

  @Test
  void aProbeStandsForTheExamplesSinceThePreviousOne() {
    // probes 16 examples apart in batches of one decay the past as one batch of 16 would
    SharpnessEstimator ones = new SharpnessEstimator(100);
    SharpnessEstimator sixteen = new SharpnessEstimator(100);
    ones.observe(1, 1.0, 1);
    sixteen.observe(1, 1.0, 1);
    for (int i = 0; i < 15; i++) {
      ones.observe(1, Double.NaN, 1);
    }
    ones.observe(1, 3.0, 1);
    sixteen.observe(16, 3.0, 1);
    assertEquals(sixteen.baseSharpness(), ones.baseSharpness(), 1e-12);
    double keep = Math.exp(-16.0 / 100);
    assertEquals((keep * (1 - Math.exp(-1.0 / 100)) * 1.0 + (1 - keep) * 3.0) / (1 - Math.exp(-1.0 / 100) * keep),
        ones.baseSharpness(), 1e-12);
  }

  @Test
  void skipsMissingAndDegenerateValues() {
    SharpnessEstimator e = new SharpnessEstimator(1000);
    e.observe(4, Double.NaN, 1);
    e.observe(4, 0.0, 1);
    e.observe(4, -1.0, 1);
    e.observe(4, Double.POSITIVE_INFINITY, 1);
    e.observe(4, 0.5, 0.0);
    e.observe(4, 0.5, Double.NaN);
    assertTrue(Double.isNaN(e.baseSharpness()));
    e.observe(4, 0.5, 1);
    SharpnessEstimator restored = new SharpnessEstimator(1000);
    restored.restore(e.state());
    assertEquals(0.5, restored.baseSharpness(), 1e-15);
    restored.clear();
    assertTrue(Double.isNaN(restored.baseSharpness()));
  }
}
