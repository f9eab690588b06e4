package io.batchwise.policy.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
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

  @Test
  void aBurstIsSpreadOverTheMinimumWindow() {
    // 1,000 events in the first 10 ms of each 100 ms period: 10,000 events/s on average
    ArrivalRateEstimator plain = new ArrivalRateEstimator(0.5);
    ArrivalRateEstimator windowed = new ArrivalRateEstimator(0.5, 0.1);
    for (int i = 0; i < 10; i++) {
      plain.record(100, i * 0.001);
      windowed.record(100, i * 0.001);
    }
    assertTrue(plain.rate(0.01) > 90_000); // the burst's own rate
    double decayed = 0;
    for (int i = 0; i < 10; i++) {
      decayed += 100 * Math.exp(-(0.01 - i * 0.001) / 0.5);
    }
    assertEquals(decayed / 0.1, windowed.rate(0.01), 1e-9 * 1e4); // the burst over 100 ms: about 10,000/s
    assertEquals(plain.rate(0.2), windowed.rate(0.2), 1e-9); // past the minimum, the same estimate
    assertThrows(IllegalArgumentException.class, () -> new ArrivalRateEstimator(0.5, 1));
  }
}
