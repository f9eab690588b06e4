package io.batchwise.policy.estimate;

/**
 * Estimates eps0 h, the base learning rate (multiplier 1) times the loss's curvature along the gradient, from
 * the sharpness eps h = m eps0 h the learner measures at the multiplier m a step used. Smoothed by a
 * bias-corrected moving average that forgets per example, like {@link NoiseScaleEstimator}: the learner
 * probes one example in several, so a probed batch stands for the examples since the previous probe.
 * With it the optimal step of McCandlish et al. (2018, eq. 2.6), eps_opt(B) = eps_max / (1 + B_noise / B)
 * with eps_max = 1 / h, becomes the multiplier eps_opt(B) / eps0 = 1 / (eps0 h (1 + B_noise / B)).
 */
public final class SharpnessEstimator {
  /** Slots {@link #exportState()} fills. */
  public static final int STATE_SIZE = 3;

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

  public double[] exportState() {
    double[] s = baseSharpness.exportState();
    return new double[] {s[0], s[1], examplesSinceLast};
  }

  public void restoreState(double[] state, int offset) {
    baseSharpness.restoreState(state, offset);
    current = baseSharpness.value();
    examplesSinceLast = state[offset + 2];
  }
}
