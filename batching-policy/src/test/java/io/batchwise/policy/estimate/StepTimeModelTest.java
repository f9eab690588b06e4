package io.batchwise.policy.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.policy.goodput.StepTime;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StepTimeModelTest {
  private static final int[] SIZES = {1, 8, 32, 128, 512};

  @Test
  void fitsAlphaAndBetaDespiteGarbageCollectionPauses() {
    double alpha = 1e-3;
    double beta = 2e-6;
    SplittableRandom random = new SplittableRandom(7);
    StepTimeModel robust = new StepTimeModel(0.98);
    double[] plain = new double[5]; // unweighted exponentially weighted least squares, the same forgetting
    for (int step = 0; step < 2000; step++) {
      int b = SIZES[step % SIZES.length];
      double t = (alpha + beta * b) * (1 + 0.02 * (random.nextDouble() - 0.5));
      if (random.nextDouble() < 0.05) {
        t += 0.05; // a 50 ms pause, 25x the slowest step
      }
      robust.observe(b, t);
      double[] add = {1, b, (double) b * b, t, b * t};
      for (int k = 0; k < 5; k++) {
        plain[k] = 0.98 * plain[k] + add[k];
      }
    }
    StepTime fit = robust.current();
    assertEquals(alpha, fit.alpha(), 0.1 * alpha);
    assertEquals(beta, fit.beta(), 0.1 * beta);
    double meanB = plain[1] / plain[0];
    double meanT = plain[3] / plain[0];
    double plainAlpha = meanT - (plain[4] / plain[0] - meanB * meanT) / (plain[2] / plain[0] - meanB * meanB) * meanB;
    assertTrue(Math.abs(plainAlpha - alpha) > 0.5 * alpha, "least squares without weights is thrown off: " + plainAlpha);
  }

  @Test
  void forgetsAMachineThatGotSlower() {
    StepTimeModel model = new StepTimeModel(0.98);
    for (int step = 0; step < 500; step++) {
      int b = SIZES[step % SIZES.length];
      model.observe(b, 1e-3 + 2e-6 * b);
    }
    for (int step = 0; step < 500; step++) {
      int b = SIZES[step % SIZES.length];
      model.observe(b, 1e-3 + 6e-6 * b);
    }
    assertEquals(6e-6, model.current().beta(), 0.05 * 6e-6);
    assertEquals(1e-3, model.current().alpha(), 0.05 * 1e-3);
  }

  @Test
  void oneBatchSizeSplitsTheTimeBetweenAlphaAndBeta() {
    StepTimeModel model = new StepTimeModel(0.9);
    for (int step = 0; step < 20; step++) {
      model.observe(16, 4e-3);
    }
    StepTime fit = model.current();
    assertEquals(2e-3, fit.alpha(), 1e-12);
    assertEquals(2e-3 / 16, fit.beta(), 1e-12);
    assertEquals(4e-3, fit.seconds(16), 1e-12);
  }

  @Test
  void keepsTheLastIdentifiedProportionsWhenTheBatchSizeSettles() {
    StepTimeModel model = new StepTimeModel(0.9);
    for (int step = 0; step < 100; step++) {
      int b = SIZES[step % SIZES.length];
      model.observe(b, 1e-3 + 2e-6 * b);
    }
    for (int step = 0; step < 500; step++) {
      model.observe(64, 1e-3 + 2e-6 * 64); // the spread of sizes is forgotten, the proportions are not
    }
    assertEquals(1e-3, model.current().alpha(), 1e-9);
    assertEquals(2e-6, model.current().beta(), 1e-12);
    for (int step = 0; step < 500; step++) {
      model.observe(64, 2 * (1e-3 + 2e-6 * 64)); // then the machine gets twice as slow
    }
    assertEquals(2e-3, model.current().alpha(), 1e-9);
    assertEquals(4e-6, model.current().beta(), 1e-12);
  }

  @Test
  void aNegativeSlopeIsNoFit() {
    StepTimeModel model = new StepTimeModel(0.9);
    for (int step = 0; step < 50; step++) {
      model.observe(1, 4e-6); // a cold learner at B = 1, then two warmer steps at B = 2
    }
    model.observe(2, 2e-6);
    model.observe(2, 2e-6);
    StepTime fit = model.current();
    // the fallback: the mean time (nearly all of it from B = 1) split evenly, not alpha = the mean time, beta = 0
    assertTrue(fit.beta() > 0, "beta " + fit.beta());
    assertEquals(fit.alpha(), fit.beta(), 0.01 * fit.alpha());
    assertEquals(4e-6, fit.seconds(1), 0.01 * 4e-6);
  }

  @Test
  void degenerateTimesNeverBreakTheFit() {
    StepTimeModel model = new StepTimeModel(0.9);
    assertEquals(new StepTime(0, 0), model.current());
    model.observe(8, Double.NaN);
    model.observe(8, -1);
    model.observe(0, 1);
    model.observe(8, Double.POSITIVE_INFINITY);
    assertEquals(new StepTime(0, 0), model.current());
    for (int step = 0; step < 10; step++) {
      model.observe(SIZES[step % SIZES.length], 0.0);
    }
    StepTime fit = model.current();
    assertEquals(0, fit.alpha());
    assertEquals(0, fit.beta());
    assertEquals(Double.POSITIVE_INFINITY, fit.throughput(32));
  }
}
