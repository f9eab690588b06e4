package io.batchwise.learner.model;

/** A model that learns one micro-batch at a time. Not thread-safe: one instance per model id. */
public interface OnlineModel {
  int featureCount();

  /** The optimizer's base learning rate, before the batching policy's multiplier. */
  double baseLearningRate();

  /**
   * Test-then-train: scores the batch with the current weights, takes one optimizer step with the
   * learning rate {@code baseLearningRate() * learningRateMultiplier}, and reports what it measured.
   */
  StepResult learn(MicroBatch batch, double learningRateMultiplier);

  /** The model's output for one raw (unstandardized) feature vector: P(y=1), class probabilities, or the value. */
  double[] predict(double[] features);

  ModelState exportState();
}
