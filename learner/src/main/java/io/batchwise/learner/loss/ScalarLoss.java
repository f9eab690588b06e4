package io.batchwise.learner.loss;

/**
 * A loss on one real-valued model output {@code z} (a logit or a regression value) and a label
 * {@code y}. Models call {@link #derivative} for the gradient (chain rule through {@code z}) and
 * {@link #loss} for the prequential metric; {@link #output} is what {@code predict} returns.
 */
public interface ScalarLoss {
  /** Which loss this is: log, squared or huber. */
  LossKind kind();

  double loss(double z, double y);

  /** d loss / d z. */
  double derivative(double z, double y);

  /**
   * d^2 loss / d z^2, the loss's curvature in z: with it the model's Hessian along a direction u is
   * mean_i l''(z_i) (u . x_i)^2, what the batching policy needs to bound the learning rate.
   */
  double curvature(double z, double y);

  /** The prediction for output z: a probability for classification, z itself for regression. */
  double output(double z);

  /** Whether the label is a class (0 or 1), so accuracy is defined. */
  boolean classifies();
}
