package io.batchwise.learner.model;

/**
 * A model that learns one micro-batch at a time. Build one with {@link ModelFactory}; see
 * docs/LEARNER.md for the specs, defaults and formulas. Not thread-safe (models keep scratch
 * buffers, predict included): one instance per model id, or synchronize.
 */
public interface OnlineModel {
  int featureCount();

  /** The optimizer's base learning rate, before the batching policy's multiplier. */
  double baseLearningRate();

  /**
   * Test-then-train: scores the batch with the current weights, takes one optimizer step with the
   * learning rate {@code baseLearningRate() * learningRateMultiplier}, and reports what it measured,
   * gradient statistics included. Feature statistics are updated from the batch only after it was
   * scored and learned. An empty batch or one of zero total weight takes no step.
   *
   * @throws IllegalArgumentException for a batch of another width or a label the model cannot take
   *     (a class index out of range); the model is then unchanged
   */
  StepResult learn(MicroBatch batch, double learningRateMultiplier);

  /** The model's output for one raw (unstandardized) feature vector: P(y=1), class probabilities, or the value. */
  double[] predict(double[] features);

  ModelState exportState();

  /**
   * The memory one example of a batch costs: its buffered row, and what a learning step holds per example
   * (activations, deltas, per-example statistics). A batching policy's memory budget divides by it.
   */
  long bytesPerExample();

  /**
   * True when the model computes in float32, so its state loses nothing kept in float32 (checkpoints then
   * store it at half the size).
   */
  default boolean computesInFloat32() {
    return false;
  }
}
