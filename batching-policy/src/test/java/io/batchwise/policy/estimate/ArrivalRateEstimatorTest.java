package io.batchwise.policy.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ArrivalRateEstimatorTest {

  @Test
  void steadyArrivalsGiveTheirRateFromTheStart() {
    ArrivalRateEstimator estimator = new ArrivalRateEstimator(1.0);
    // 10 events every 10 ms = 1000/s
    for (int k = 1; k <= 50; k++) {
      estimator.record(10, k * 0.01);
    }
    assertEquals(1000, estimator.rate(0.5), 30);
  }

  @Test
  void tracksARateChangeWithinAFewTimeConstants() {
    ArrivalRateEstimator estimator = new ArrivalRateEstimator(0.5);
    double t = 0;
    for (int k = 0; k < 1000; k++) {
      t += 0.01;
      estimator.record(10, t);
    }
    for (int k = 0; k < 300; k++) {
      t += 0.01;
      estimator.record(50, t);
    }
    assertEquals(5000, estimator.rate(t), 0.01 * 5000);
  }

  @Test
  void noArrivalsMeanZeroAndSilenceDecays() {
    ArrivalRateEstimator estimator = new ArrivalRateEstimator(1.0);
    assertEquals(0, estimator.rate(5));
    estimator.record(100, 0);
    assertEquals(0, estimator.rate(0));
    for (int k = 1; k <= 100; k++) {
      estimator.record(1, k * 0.01);
    }
    double before = estimator.rate(1.0);
    assertEquals(before * Math.exp(-5) * (1 - Math.exp(-1.0)) / (1 - Math.exp(-6.0)), estimator.rate(6.0), 1e-9 * before);
    assertThrows(IllegalArgumentException.class, () -> new ArrivalRateEstimator(0));
  }
}
