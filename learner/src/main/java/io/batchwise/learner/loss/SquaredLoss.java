package io.batchwise.learner.loss;

/** Squared error {@code l(z, y) = (z - y)^2 / 2}, derivative {@code z - y}. */
public final class SquaredLoss implements ScalarLoss {
  @Override
  public LossKind kind() {
    return LossKind.SQUARED;
  }

  @Override
  public double loss(double z, double y) {
    double r = z - y;
    return 0.5 * r * r;
  }

  @Override
  public double derivative(double z, double y) {
    return z - y;
  }

  @Override
  public double curvature(double z, double y) {
    return 1.0;
  }

  @Override
  public double output(double z) {
    return z;
  }

  @Override
  public boolean classifies() {
    return false;
  }
}
