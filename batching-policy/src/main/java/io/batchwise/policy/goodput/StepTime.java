package io.batchwise.policy.goodput;

/**
 * The step-time model T(B) = alpha + beta B of Pollux (Qiao et al., OSDI'21), for one learner on one
 * machine: a fixed cost per update plus a cost per example.
 *
 * @param alpha seconds per update whatever its size (dispatch, bookkeeping, the optimizer step over the weights)
 * @param beta  seconds per example (forward and backward pass)
 */
public record StepTime(double alpha, double beta) {
  public StepTime {
    alpha = Double.isFinite(alpha) ? Math.max(alpha, 0) : 0;
    beta = Double.isFinite(beta) ? Math.max(beta, 0) : 0;
  }

  /** T(B) = alpha + beta B, in seconds. */
  public double seconds(double batchSize) {
    return alpha + beta * batchSize;
  }

  /** Capacity B / T(B) in examples per second; +infinity when a step costs nothing measurable. */
  public double throughput(double batchSize) {
    double t = seconds(batchSize);
    return t > 0 ? batchSize / t : Double.POSITIVE_INFINITY;
  }

  /**
   * The smallest batch that keeps up with {@code rate} examples per second: B / T(B) >= lambda holds
   * for B >= alpha lambda / (1 - beta lambda). +infinity when beta lambda >= 1 (no batch keeps up).
   */
  public double keepUpBatch(double rate) {
    if (!(rate > 0)) {
      return 0;
    }
    double denominator = 1 - beta * rate;
    return denominator > 0 ? alpha * rate / denominator : Double.POSITIVE_INFINITY;
  }
}
