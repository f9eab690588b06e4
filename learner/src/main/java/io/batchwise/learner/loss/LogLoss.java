package io.batchwise.learner.loss;

/**
 * Binary cross-entropy on a logit: {@code l(z, y) = log(1 + e^z) - y z}, i.e. {@code -y log p - (1-y) log(1-p)}
 * with {@code p = sigmoid(z)}; derivative {@code p - y}. Evaluated in the overflow-free form
 * {@code max(z, 0) - y z + log1p(e^-|z|)}, so the reported loss is exact (no clipping of p) for labels in [0, 1].
 */
public final class LogLoss implements ScalarLoss {
  @Override
  public LossKind kind() {
    return LossKind.LOG;
  }

  @Override
  public double loss(double z, double y) {
    return Math.max(z, 0.0) - y * z + Math.log1p(Math.exp(-Math.abs(z)));
  }

  @Override
  public double derivative(double z, double y) {
    return sigmoid(z) - y;
  }

  /** p (1 - p). */
  @Override
  public double curvature(double z, double y) {
    double p = sigmoid(z);
    return p * (1 - p);
  }

  @Override
  public double output(double z) {
    return sigmoid(z);
  }

  @Override
  public boolean classifies() {
    return true;
  }

  /** The logistic function, without overflow for large |z|. */
  public static double sigmoid(double z) {
    if (z >= 0) {
      return 1.0 / (1.0 + Math.exp(-z));
    }
    double e = Math.exp(z);
    return e / (1.0 + e);
  }
}
