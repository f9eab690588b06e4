package io.batchwise.policy.estimate;

import io.batchwise.policy.goodput.GradientNoise;
import java.nio.DoubleBuffer;

/**
 * Estimates tr(Sigma) and |G|^2 from the two norms every batch reports (McCandlish et al. 2018,
 * appendix A, with the per-example gradients as the small batch):
 * tr(Sigma) ~= B/(B-1) (mean_i |g_i|^2 - |gbar|^2) and |G|^2 ~= |gbar|^2 - tr(Sigma)/B, both unbiased.
 * Each is smoothed on its own with a bias-corrected moving average before their ratio is taken, since
 * the ratio of two noisy estimates is badly biased. The average forgets per example, not per batch: a
 * batch of B weighs as much as B batches of one would, so small batches (noisy estimates) count little
 * and the memory spans the same stretch of the stream whatever the batch sizes. A batch of one example carries no variance
 * information of its own; with its gradient's dot product with the average of the recent batches' gradients,
 * an estimate of |G|^2 from independent samples, it gives |G|^2 ~= g . gbar_recent and
 * tr(Sigma) ~= |g|^2 - g . gbar_recent. Without that product it is skipped, as are non-finite inputs.
 *
 * <p>It also gives the standard error of the smoothed |G|^2, so that a caller can tell a small signal from
 * none: near a noisy stream's optimum the estimate over a window of W examples is noise of size about
 * tr(Sigma) / W and comes out positive half the time.
 */
public final class NoiseScaleEstimator {
  private final BiasCorrectedAverage trace;
  private final BiasCorrectedAverage signal;

  private final double decayPerExample;

  /**
   * Sums over the batches of w^2 x^2, w^2 x and w^2, with x a batch's |G|^2 estimate and w the weight it has in
   * the average now: every batch decays them by d^2 as it decays the average's weights by d.
   */
  private double weightedSquares;
  private double weightedValues;
  private double squaredWeights;

  /** @param windowExamples examples the averages span: the past decays by exp(-B / window) per batch of B */
  public NoiseScaleEstimator(double windowExamples) {
    if (!(windowExamples > 0)) {
      throw new IllegalArgumentException("window must be positive, got " + windowExamples);
    }
    this.decayPerExample = Math.exp(-1.0 / windowExamples);
    this.trace = new BiasCorrectedAverage();
    this.signal = new BiasCorrectedAverage();
  }

  /**
   * Folds in one batch of one example, whose gradient g has squared norm {@code gradientSquaredNorm} and dot
   * product {@code recentGradientDot} with the average of the recent batches' mean gradients.
   *
   * @return whether it carried information (finite inputs, non-negative norm)
   */
  public boolean observeSingle(double gradientSquaredNorm, double recentGradientDot) {
    if (!(gradientSquaredNorm >= 0) || Double.isInfinite(gradientSquaredNorm) || !Double.isFinite(recentGradientDot)) {
      return false;
    }
    trace.add(gradientSquaredNorm - recentGradientDot, decayPerExample);
    addSignal(recentGradientDot, decayPerExample);
    return true;
  }

  /**
   * Folds in one batch.
   *
   * @return whether it carried information (B >= 2, finite non-negative norms)
   */
  public boolean observe(int batchSize, double meanExampleGradientSquaredNorm, double meanGradientSquaredNorm) {
    if (batchSize < 2 || !(meanExampleGradientSquaredNorm >= 0) || !(meanGradientSquaredNorm >= 0)
        || Double.isInfinite(meanExampleGradientSquaredNorm) || Double.isInfinite(meanGradientSquaredNorm)) {
      return false;
    }
    double b = batchSize;
    double traceEstimate = b / (b - 1) * (meanExampleGradientSquaredNorm - meanGradientSquaredNorm);
    double signalEstimate = meanGradientSquaredNorm - traceEstimate / b;
    double decay = Math.pow(decayPerExample, b);
    trace.add(traceEstimate, decay);
    addSignal(signalEstimate, decay);
    return true;
  }

  private void addSignal(double estimate, double decay) {
    signal.add(estimate, decay);
    double w = 1 - decay;
    double past = decay * decay;
    weightedSquares = past * weightedSquares + w * w * estimate * estimate;
    weightedValues = past * weightedValues + w * w * estimate;
    squaredWeights = past * squaredWeights + w * w;
  }

  /**
   * The standard error of the smoothed |G|^2: sqrt(n / (n - 1) sum_i w_i^2 (x_i - mean)^2) / sum_i w_i over the
   * batches' estimates x_i and their weights w_i, the sandwich estimate for a weighted mean whose terms have
   * different variances (an estimate from two examples is far less precise than one from 2048), with the
   * small-sample factor n / (n - 1) for the n = (sum w)^2 / sum w^2 batches the average effectively holds: the
   * spread of the first few estimates about their own mean understates their variance (one says nothing, and
   * the error is then infinite). It takes the estimates as independent; at B = 1 consecutive ones share a
   * gradient, so it is somewhat low there. NaN before the first batch.
   */
  public double signalStandardError() {
    double total = signal.totalWeight();
    if (!(total > 0)) {
      return Double.NaN;
    }
    if (squaredWeights == 0) {
      return 0; // restored from a state without the spread
    }
    double effectiveBatches = total * total / squaredWeights;
    if (!(effectiveBatches > 1 + 1e-9)) {
      return Double.POSITIVE_INFINITY;
    }
    double mean = signal.value();
    double spread = weightedSquares - 2 * mean * weightedValues + mean * mean * squaredWeights;
    return Math.sqrt(Math.max(0, spread) * effectiveBatches / (effectiveBatches - 1)) / total;
  }

  /** The smoothed statistics, {@link GradientNoise#UNKNOWN} before any informative batch. */
  public GradientNoise current() {
    return trace.isEmpty() ? GradientNoise.UNKNOWN : new GradientNoise(trace.value(), signal.value());
  }

  /**
   * The estimator's state: the two averages, and the sums over the batches of w^2 x^2, w^2 x and w^2 that
   * {@link #signalStandardError()} needs.
   */
  public record State(BiasCorrectedAverage.State trace, BiasCorrectedAverage.State signal, double weightedSquares,
      double weightedValues, double squaredWeights) {
    public void writeTo(DoubleBuffer out) {
      trace.writeTo(out);
      signal.writeTo(out);
      out.put(weightedSquares).put(weightedValues).put(squaredWeights);
    }

    public static State readFrom(DoubleBuffer in) {
      return new State(BiasCorrectedAverage.State.readFrom(in), BiasCorrectedAverage.State.readFrom(in), in.get(),
          in.get(), in.get());
    }
  }

  public State state() {
    return new State(trace.state(), signal.state(), weightedSquares, weightedValues, squaredWeights);
  }

  public void restore(State state) {
    trace.restore(state.trace());
    signal.restore(state.signal());
    weightedSquares = state.weightedSquares();
    weightedValues = state.weightedValues();
    squaredWeights = state.squaredWeights();
  }
}
