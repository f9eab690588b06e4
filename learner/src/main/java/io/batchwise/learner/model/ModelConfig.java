package io.batchwise.learner.model;

import io.batchwise.learner.loss.HuberLoss;
import io.batchwise.policy.SpecNumbers;
import java.util.Locale;

/**
 * Settings of a model beyond its spec's shape. Every field has a default in {@link #DEFAULTS}; a
 * model spec may override any of them with {@code key=value} options (see {@link ModelSpec}).
 *
 * @param optimizer       optimizer spec ({@link io.batchwise.learner.optim.Optimizer#parse}); null picks the
 *                        model kind's default ({@link #optimizerFor}): for logistic, linear and softmax plain SGD
 *                        at {@value #DEFAULT_GLM_RATE_SCALE} / (d + 1) to 3 significant digits (a spec without
 *                        float noise), for mlp {@value #DEFAULT_MLP_OPTIMIZER}
 * @param l2              L2 penalty {@code l2/2 |W|^2} on weights (not biases); default 0
 * @param standardize     online feature standardization (running mean and variance); default true
 * @param huberDelta      Huber loss delta for {@code linear:huber}; default 1.0
 * @param activation      hidden activation of an mlp, relu or tanh; default relu
 * @param seed            seed of an mlp's weight initialization; default 42
 * @param doublePrecision an mlp computes in float64 instead of float32 (the default; gradient checks use float64)
 */
public record ModelConfig(
    String optimizer,
    double l2,
    boolean standardize,
    double huberDelta,
    String activation,
    long seed,
    boolean doublePrecision) {

  /**
   * The linear models' default SGD rate times (d + 1). With standardized features the curvature of
   * one example's loss grows like {@code |s(x)|^2 + 1 = d + 1}, so dividing by it keeps a step equally
   * stable at any d (the normalized LMS rule), and a constant rate keeps tracking a drifting stream
   * (AdaGrad's and FTRL's rates decay with every step). 0.7 is 0.1 at elec's d = 6, the best SGD rate
   * there in stream order at batch size 1.
   */
  public static final double DEFAULT_GLM_RATE_SCALE = 0.7;
  /** Default optimizer of the mlp: Keras' Adam. */
  public static final String DEFAULT_MLP_OPTIMIZER = "adam:0.001";

  public static final ModelConfig DEFAULTS =
      new ModelConfig(null, 0.0, true, HuberLoss.DEFAULT_DELTA, "relu", 42L, false);

  public ModelConfig {
    if (!(l2 >= 0) || Double.isInfinite(l2)) {
      throw new IllegalArgumentException("l2 must be finite and >= 0, got " + l2);
    }
    if (!(huberDelta > 0) || Double.isInfinite(huberDelta)) {
      throw new IllegalArgumentException("huber delta must be finite and > 0, got " + huberDelta);
    }
    activation = activation == null ? "relu" : activation.strip().toLowerCase(Locale.ROOT);
    if (!activation.equals("relu") && !activation.equals("tanh")) {
      throw new IllegalArgumentException("activation must be relu or tanh, got " + activation);
    }
  }

  public ModelConfig withOptimizer(String optimizerSpec) {
    return new ModelConfig(optimizerSpec, l2, standardize, huberDelta, activation, seed, doublePrecision);
  }

  public ModelConfig withL2(double value) {
    return new ModelConfig(optimizer, value, standardize, huberDelta, activation, seed, doublePrecision);
  }

  public ModelConfig withStandardize(boolean value) {
    return new ModelConfig(optimizer, l2, value, huberDelta, activation, seed, doublePrecision);
  }

  public ModelConfig withHuberDelta(double value) {
    return new ModelConfig(optimizer, l2, standardize, value, activation, seed, doublePrecision);
  }

  public ModelConfig withActivation(String value) {
    return new ModelConfig(optimizer, l2, standardize, huberDelta, value, seed, doublePrecision);
  }

  public ModelConfig withSeed(long value) {
    return new ModelConfig(optimizer, l2, standardize, huberDelta, activation, value, doublePrecision);
  }

  public ModelConfig withDoublePrecision(boolean value) {
    return new ModelConfig(optimizer, l2, standardize, huberDelta, activation, seed, value);
  }

  /** The optimizer spec in force for a model kind with d features. */
  public String optimizerFor(String kind, int featureCount) {
    if (optimizer != null && !optimizer.isBlank()) {
      return optimizer;
    }
    return "mlp".equals(kind) ? DEFAULT_MLP_OPTIMIZER
        : "sgd:" + SpecNumbers.format(SpecNumbers.round(DEFAULT_GLM_RATE_SCALE / (featureCount + 1), 3));
  }
}
