package io.batchwise.learner.model;

import io.batchwise.learner.loss.ScalarLoss;
import io.batchwise.learner.loss.SquaredLoss;
import io.batchwise.learner.optim.Optimizer;
import io.batchwise.policy.SpecNumbers;

/**
 * Linear regression under squared loss ({@link SquaredLoss}, halved) or a robust loss such as
 * {@link io.batchwise.learner.loss.HuberLoss}; predicts the value. The reported loss is the loss
 * optimized, e.g. half the squared error.
 */
public final class LinearRegression extends GeneralizedLinearModel {

  public LinearRegression(int featureCount, ScalarLoss loss, Optimizer optimizer, Standardizer standardizer, double l2) {
    this(specOf(loss, l2, standardizer != null), featureCount, loss, optimizer, standardizer, l2);
  }

  LinearRegression(String spec, int featureCount, ScalarLoss loss, Optimizer optimizer, Standardizer standardizer,
      double l2) {
    super(spec, "linear", featureCount, loss, optimizer, standardizer, l2);
    if (loss.classifies()) {
      throw new IllegalArgumentException("linear regression needs a regression loss, got " + loss.kind().schemaName());
    }
  }

  private static String specOf(ScalarLoss loss, double l2, boolean standardize) {
    ModelConfig config = ModelConfig.DEFAULTS.withL2(l2).withStandardize(standardize);
    if (loss instanceof io.batchwise.learner.loss.HuberLoss huber) {
      config = config.withHuberDelta(huber.delta());
      return ModelSpec.canonical("linear:huber", config,
          huber.delta() == ModelConfig.DEFAULTS.huberDelta() ? null : "delta=" + SpecNumbers.format(huber.delta()));
    }
    // a loss of the caller's own exports under its name; only squared and huber restore from a spec
    return ModelSpec.canonical(loss instanceof SquaredLoss ? "linear" : "linear:" + loss.kind().schemaName(), config);
  }
}
