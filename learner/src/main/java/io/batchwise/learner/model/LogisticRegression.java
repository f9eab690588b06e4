package io.batchwise.learner.model;

import io.batchwise.learner.loss.LogLoss;
import io.batchwise.learner.optim.Optimizer;
import io.batchwise.learner.optim.Sgd;

/** Binary logistic regression: labels 0 or 1 (or soft labels in [0, 1]); predicts P(y = 1). */
public final class LogisticRegression extends GeneralizedLinearModel {

  /** With the optimizer, standardizer (null for raw features) and L2 penalty given. */
  public LogisticRegression(int featureCount, Optimizer optimizer, Standardizer standardizer, double l2) {
    this(ModelSpec.canonical("logistic", new ModelConfig(null, l2, standardizer != null, 1.0, "relu", 42, false)),
        featureCount, optimizer, standardizer, l2);
  }

  /** Plain SGD at {@code learningRate}, standardized features, no penalty. */
  public LogisticRegression(int featureCount, double learningRate) {
    this(featureCount, new Sgd(learningRate), new Standardizer(featureCount), 0.0);
  }

  LogisticRegression(String spec, int featureCount, Optimizer optimizer, Standardizer standardizer, double l2) {
    super(spec, "logistic", featureCount, new LogLoss(), optimizer, standardizer, l2);
  }
}
