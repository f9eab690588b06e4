package io.batchwise.policy.estimate;

import java.nio.DoubleBuffer;

/**
 * Estimates eps0 h, the base learning rate (multiplier 1) times the loss's curvature along the gradient, from
 * the sharpness eps h = m eps0 h the learner measures at the multiplier m a step used. Smoothed by a
 * bias-corrected moving average that forgets per example, like {@link NoiseScaleEstimator}: the learner
 * probes one example in several, so a probed batch stands for the examples since the previous probe.
 * With it the optimal step of McCandlish et al. (2018, eq. 2.6), eps_opt(B) = eps_max / (1 + B_noise / B)
 * with eps_max = 1 / h, becomes the multiplier eps_opt(B) / eps0 = 1 / (eps0 h (1 + B_noise / B)).
 */
public final class SharpnessEstimator {
  private BiasCorrectedAverage baseSharpness = new BiasCorrectedAverage();
  /** The average's value, kept so that reading it (at every decision) costs no division. */
  private double current = Double.NaN;
  private final double decayPerExample;
  private double examplesSinceLast;

  /** @param windowExamples examples the average spans */
  public SharpnessEstimator(double windowExamples) {
    if (!(windowExamples > 0)) {
      throw new IllegalArgumentException("window must be positive, got " + windowExamples);
    }
    this.decayPerExample = Math.exp(-1.0 / windowExamples);
  }

  /**
   * Folds in one batch.
   *
   * @param sharpness  eps h measured on the batch; NaN (not measured) and non-positive values are skipped
   * @param multiplier the learning-rate multiplier the step used
   */
  public void observe(int batchSize, double sharpness, double multiplier) {
    examplesSinceLast += Math.max(0, batchSize);
    if (!(sharpness > 0) || Double.isInfinite(sharpness) || !(multiplier > 0) || Double.isInfinite(multiplier)) {
      return;
    }
    baseSharpness.add(sharpness / multiplier, Math.pow(decayPerExample, Math.max(1, examplesSinceLast)));
    current = baseSharpness.value();
    examplesSinceLast = 0;
  }

  /** eps0 h, NaN before the first measurement. */
  public double baseSharpness() {
    return current;
  }

  /** Forgets every measurement. */
  public void clear() {
    baseSharpness = new BiasCorrectedAverage();
    current = Double.NaN;
    examplesSinceLast = 0;
  }

  /** The estimator's state: the average of eps0 h and the examples since the last measurement. */
  public record State(BiasCorrectedAverage.State baseSharpness, double examplesSinceLast) {
    public void writeTo(DoubleBuffer out) {
      baseSharpness.writeTo(out);
      out.put(examplesSinceLast);
    }

    public static State readFrom(DoubleBuffer in) {
      return new State(BiasCorrectedAverage.State.readFrom(in), in.get());
    }
  }

  public State state() {
    return new State(baseSharpness.state(), examplesSinceLast);
  }

  public void restore(State state) {
    baseSharpness.restore(state.baseSharpness());
    current = baseSharpness.value();
    examplesSinceLast = state.examplesSinceLast();
  }
}
