package io.batchwise.policy;

import io.batchwise.policy.goodput.GradientNoise;
import java.util.Locale;

/** How the learning rate follows the batch size B, relative to the base batch size B0 it was tuned for. */
public enum LearningRateCoupling {
  /** The learning rate stays as tuned. */
  NONE,
  /** lr x B/B0 (Goyal et al. 2017): right while the gradient noise dominates (B much below B_noise). */
  LINEAR,
  /** lr x sqrt(B/B0): keeps the update's noise variance constant; the usual rule for Adam-like optimizers. */
  SQRT,
  /**
   * lr x r with the AdaScale gain r = (tr(Sigma)/B0 + |G|^2)/(tr(Sigma)/B + |G|^2) (Johnson et al. 2020):
   * linear while noise dominates, flat once the batch is far above B_noise. The default for SGD.
   */
  ADASCALE;

  /**
   * Smallest multiplier handed out: a gain of 0 (no signal measured at all) would stop learning for good,
   * while a tiny rate still lets the estimates see a later drift.
   */
  public static final double MIN_MULTIPLIER = 1e-4;

  /** The multiplier for batch size {@code batchSize}; always finite and at least {@link #MIN_MULTIPLIER}. */
  public double multiplier(int batchSize, double baseBatchSize, GradientNoise noise) {
    return multiplier((double) batchSize, baseBatchSize, noise);
  }

  /** As {@link #multiplier(int, double, GradientNoise)} for a mean batch size, which need not be whole. */
  public double multiplier(double batchSize, double baseBatchSize, GradientNoise noise) {
    double scale = Double.isInfinite(baseBatchSize) ? 1.0 : batchSize / baseBatchSize;
    double m = switch (this) {
      case NONE -> 1.0;
      case LINEAR -> scale;
      case SQRT -> Math.sqrt(scale);
      case ADASCALE -> noise.adaScaleGain(batchSize, baseBatchSize);
    };
    return Double.isFinite(m) ? Math.max(m, MIN_MULTIPLIER) : 1.0;
  }

  /** Parses {@code none}, {@code linear}, {@code sqrt} or {@code adascale}. */
  public static LearningRateCoupling parse(String name) {
    try {
      return valueOf(name.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown learning-rate coupling '" + name + "' (known: none, linear, sqrt, adascale)");
    }
  }
}
