package io.batchwise.policy.estimate;

import io.batchwise.policy.goodput.GradientNoise;

/**
 * Estimates tr(Sigma) and |G|^2 from the two norms every batch reports (McCandlish et al. 2018,
 * appendix A, with the per-example gradients as the small batch):
 * tr(Sigma) ~= B/(B-1) (mean_i |g_i|^2 - |gbar|^2) and |G|^2 ~= |gbar|^2 - tr(Sigma)/B, both unbiased.
 * Each is smoothed on its own with a bias-corrected moving average before their ratio is taken, since
 * the ratio of two noisy estimates is badly biased. The average forgets per example, not per batch: a
 * batch of B weighs as much as B batches of one would, so small batches (noisy estimates) count little
 * and the memory spans the same stretch of the stream whatever the batch sizes. A batch of one example carries no variance
 * information of its own; with its gradient's dot product with the previous batch's, an unbiased estimate
 * of |G|^2 from two independent samples, it gives |G|^2 ~= g . gbar_prev and tr(Sigma) ~= |g|^2 - g . gbar_prev.
 * Without that product it is skipped, as are non-finite inputs.
 */
public final class NoiseScaleEstimator {
  /** Slots {@link #exportState()} fills. */
  public static final int STATE_SIZE = 4;

  private final BiasCorrectedAverage trace;
  private final BiasCorrectedAverage signal;

  private final double decayPerExample;

  /** @param windowExamples examples the averages span: the past decays by exp(-B / window) per batch of B */
  public NoiseScaleEstimator(double windowExamples) {
    if (!(windowExamples > 0)) {
      throw new IllegalArgumentException("window must be positive, got " + windowExamples);
    }
    this.decayPerExample = Math.exp(-1.0 / windowExamples);
    this.trace = new BiasCorrectedAverage();
    this.signal = new BiasCorrectedAverage();
  }

  /**
   * Folds in one batch of one example, whose gradient g has squared norm {@code gradientSquaredNorm} and dot
   * product {@code previousGradientDot} with the previous batch's mean gradient.
   *
   * @return whether it carried information (finite inputs, non-negative norm)
   */
  public boolean observeSingle(double gradientSquaredNorm, double previousGradientDot) {
    if (!(gradientSquaredNorm >= 0) || Double.isInfinite(gradientSquaredNorm) || !Double.isFinite(previousGradientDot)) {
      return false;
    }
    trace.add(gradientSquaredNorm - previousGradientDot, decayPerExample);
    signal.add(previousGradientDot, decayPerExample);
    return true;
  }

  /**
   * Folds in one batch.
   *
   * @return whether it carried information (B >= 2, finite non-negative norms)
   */
  public boolean observe(int batchSize, double meanExampleGradientSquaredNorm, double meanGradientSquaredNorm) {
    if (batchSize < 2 || !(meanExampleGradientSquaredNorm >= 0) || !(meanGradientSquaredNorm >= 0)
        || Double.isInfinite(meanExampleGradientSquaredNorm) || Double.isInfinite(meanGradientSquaredNorm)) {
      return false;
    }
    double b = batchSize;
    double traceEstimate = b / (b - 1) * (meanExampleGradientSquaredNorm - meanGradientSquaredNorm);
    double signalEstimate = meanGradientSquaredNorm - traceEstimate / b;
    double decay = Math.pow(decayPerExample, b);
    trace.add(traceEstimate, decay);
    signal.add(signalEstimate, decay);
    return true;
  }

  /** The smoothed statistics, {@link GradientNoise#UNKNOWN} before any informative batch. */
  public GradientNoise current() {
    return trace.isEmpty() ? GradientNoise.UNKNOWN : new GradientNoise(trace.value(), signal.value());
  }

  public double[] exportState() {
    double[] t = trace.exportState();
    double[] s = signal.exportState();
    return new double[] {t[0], t[1], s[0], s[1]};
  }

  public void restoreState(double[] state, int offset) {
    trace.restoreState(state, offset);
    signal.restoreState(state, offset + 2);
  }
}
