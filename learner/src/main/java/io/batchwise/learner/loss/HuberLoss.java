package io.batchwise.learner.loss;

/**
 * Huber loss (Huber 1964): quadratic for residuals within {@code delta}, linear beyond, so outliers
 * pull with bounded force. {@code l = r^2/2} for {@code |r| <= delta}, else {@code delta (|r| - delta/2)};
 * the derivative is r clipped to {@code [-delta, delta]}.
 */
public final class HuberLoss implements ScalarLoss {
  /** Default delta, in units of the label. */
  public static final double DEFAULT_DELTA = 1.0;
  private final double delta;

  public HuberLoss(double delta) {
    if (!(delta > 0) || Double.isInfinite(delta)) {
      throw new IllegalArgumentException("huber delta must be positive and finite, got " + delta);
    }
    this.delta = delta;
  }

  public double delta() {
    return delta;
  }

  @Override
  public LossKind kind() {
    return LossKind.HUBER;
  }

  @Override
  public double loss(double z, double y) {
    double a = Math.abs(z - y);
    return a <= delta ? 0.5 * a * a : delta * (a - 0.5 * delta);
  }

  @Override
  public double derivative(double z, double y) {
    double r = z - y;
    return Math.max(-delta, Math.min(delta, r));
  }

  /** 1 within delta, 0 on the linear part. */
  @Override
  public double curvature(double z, double y) {
    return Math.abs(z - y) <= delta ? 1.0 : 0.0;
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
