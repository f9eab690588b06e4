package io.batchwise.policy.goodput;

/**
 * The gradient statistics the goodput model needs (McCandlish et al. 2018, "An Empirical Model of
 * Large-Batch Training", section 2 and appendix A). Values may come straight from noisy estimates, so
 * every method clamps: a negative trace counts as zero, a non-positive |G|^2 as "noise only".
 *
 * @param traceCovariance     tr(Sigma) = E_i |g_i - G|^2, the per-example gradient variance summed over
 *                            parameters; one batch of B estimates it as B/(B-1) (mean_i |g_i|^2 - |gbar|^2)
 * @param gradientSquaredNorm |G|^2, the squared norm of the true gradient; one batch estimates it as
 *                            |gbar|^2 - tr(Sigma)/B (unbiased, so it can come out negative)
 */
public record GradientNoise(double traceCovariance, double gradientSquaredNorm) {
  /** Nothing measured yet. */
  public static final GradientNoise UNKNOWN = new GradientNoise(Double.NaN, Double.NaN);

  /** True when both statistics are finite and at least one carries signal. */
  public boolean known() {
    return Double.isFinite(traceCovariance) && Double.isFinite(gradientSquaredNorm)
        && (traceCovariance > 0 || gradientSquaredNorm > 0);
  }

  /**
   * B_noise = tr(Sigma) / |G|^2: the batch size at which the gradient noise equals the signal.
   * +infinity when only noise is measured, NaN while unknown.
   */
  public double noiseScale() {
    if (!known()) {
      return Double.NaN;
    }
    double trace = Math.max(traceCovariance, 0);
    return gradientSquaredNorm > 0 ? trace / gradientSquaredNorm : Double.POSITIVE_INFINITY;
  }

  /**
   * Statistical efficiency E(B) = (B_noise + B0) / (B_noise + B), written as
   * (tr(Sigma) + B0 |G|^2) / (tr(Sigma) + B |G|^2) so that B_noise = infinity needs no special case:
   * the progress one example makes at batch size B, relative to one example at B0. 1 while unknown.
   */
  public double efficiency(double batchSize, double baseBatchSize) {
    if (!known()) {
      return 1.0;
    }
    double trace = Math.max(traceCovariance, 0);
    double signal = Math.max(gradientSquaredNorm, 0);
    return (trace + baseBatchSize * signal) / (trace + batchSize * signal);
  }

  /**
   * AdaScale gain r = (tr(Sigma)/B0 + |G|^2) / (tr(Sigma)/B + |G|^2) = (B/B0) E(B) (Johnson et al. 2020,
   * "AdaScale SGD"): one step at B with the learning rate times r makes the progress of r steps at B0.
   * Lies between 1 and B/B0. For B0 = infinity (a base rate tuned for noise-free gradients) it is
   * B / (B + B_noise), the optimal step size of McCandlish et al. (2018, eq. 2.6) relative to the
   * noise-free one. While unknown, the cautious min(1, B/B0).
   */
  public double adaScaleGain(double batchSize, double baseBatchSize) {
    double scale = batchSize / baseBatchSize;
    if (!known()) {
      return Math.min(1.0, scale);
    }
    if (Double.isInfinite(baseBatchSize)) {
      double trace = Math.max(traceCovariance, 0);
      double signal = Math.max(gradientSquaredNorm, 0);
      return batchSize * signal / (trace + batchSize * signal);
    }
    return scale * efficiency(batchSize, baseBatchSize);
  }

  /**
   * The multiplier of the base rate eps0 that gives the optimal step at batch size B,
   * eps_opt(B) / eps0 = 1 / (eps0 h (1 + B_noise / B)) (McCandlish et al. 2018, eq. 2.6, with
   * eps_max = |G|^2 / G'HG = 1 / h): on a quadratic with curvature h along the gradient, the step that
   * lowers the expected loss most. B_noise counts as at most {@code noiseScaleLimit}: an estimator that
   * averages over that many examples cannot tell a larger noise scale from an infinite one (its |G|^2
   * estimate is noise of size tr(Sigma) / window), and an infinite one would stop learning. +infinity (no
   * cap) while eps0 h or the noise is unknown.
   *
   * @param baseSharpness eps0 h, the base rate times the curvature along the gradient
   */
  public double optimalRateMultiplier(double batchSize, double baseSharpness, double noiseScaleLimit) {
    double noiseScale = noiseScale();
    if (!(baseSharpness > 0) || Double.isInfinite(baseSharpness) || Double.isNaN(noiseScale) || !(batchSize > 0)) {
      return Double.POSITIVE_INFINITY;
    }
    return 1.0 / (baseSharpness * (1 + Math.min(noiseScale, noiseScaleLimit) / batchSize));
  }

  /**
   * The batch size at which the AdaScale gain reaches {@code gain}: solving
   * (tr(Sigma)/B0 + |G|^2) / (tr(Sigma)/B + |G|^2) = gain for B gives
   * B = tr(Sigma) / ((tr(Sigma)/B0 + |G|^2) / gain - |G|^2). Infinite when the gain never gets there
   * (it is at most 1 + B_noise/B0). While the noise is unknown, gain B0: the gain is at most B/B0, so no
   * smaller batch reaches it (the pure-noise answer).
   */
  public double batchAtGain(double gain, double baseBatchSize) {
    if (Double.isInfinite(gain)) {
      return Double.POSITIVE_INFINITY;
    }
    if (!known()) {
      return gain * baseBatchSize;
    }
    double trace = Math.max(traceCovariance, 0);
    double signal = Math.max(gradientSquaredNorm, 0);
    double denominator = (trace / baseBatchSize + signal) / gain - signal;
    return denominator > 0 ? trace / denominator : Double.POSITIVE_INFINITY;
  }

}
