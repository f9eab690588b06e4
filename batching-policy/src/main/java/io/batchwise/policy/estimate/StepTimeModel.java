package io.batchwise.policy.estimate;

import io.batchwise.policy.goodput.StepTime;
import java.nio.DoubleBuffer;

/**
 * Fits T(B) = alpha + beta B online by exponentially weighted least squares with Huber weights
 * (iteratively reweighted least squares, one reweighting per observation): a step whose residual
 * exceeds k robust scales gets weight k s / |r|, so a garbage-collection pause of 100x the usual step
 * time moves the fit by about k s, not by the pause. Forgetting keeps it tracking a drifting machine.
 *
 * <p>While the remembered steps all had (nearly) the same batch size, alpha and beta cannot be told
 * apart. The model then keeps the proportions of its last identifiable fit, rescaled to the mean time
 * now measured; before any identifiable fit it splits the mean time evenly between them, which makes
 * larger batches look cheaper per example than they may be, so the policy tries one and the fit becomes
 * identifiable.
 */
public final class StepTimeModel {
  private static final double HUBER_K = 1.5;

  private final double decay;
  private double weight;
  private double sumB;
  private double sumBB;
  private double sumT;
  private double sumBT;
  private double scale = Double.NaN;
  private double count;
  private double lastAlpha = Double.NaN;
  private double lastBeta = Double.NaN;
  /** {@link #current()}, worked out once per observation: the policy reads it at every step. */
  private double alpha;
  private double beta;
  /** The weighted mean step time, from the same refit: the floor of the robust scale. */
  private double meanSeconds;
  /** Whether the last refit told alpha from beta (a spread of batch sizes, a non-negative slope). */
  private boolean identified;

  /** @param decay weight of the past per observation, in (0, 1); about 1/(1-decay) steps are remembered */
  public StepTimeModel(double decay) {
    if (!(decay > 0 && decay < 1)) {
      throw new IllegalArgumentException("decay must be in (0, 1), got " + decay);
    }
    this.decay = decay;
  }

  /** Folds in one step; ignores non-positive batch sizes and negative or non-finite times. */
  public void observe(int batchSize, double stepSeconds) {
    if (batchSize < 1 || !(stepSeconds >= 0) || Double.isInfinite(stepSeconds)) {
      return;
    }
    double w = 1.0;
    if (count >= 2) {
      double residual = stepSeconds - (alpha + beta * batchSize);
      double floor = 1e-3 * meanSeconds + 1e-12;
      double s = Math.max(scale, floor);
      double magnitude = Math.abs(residual);
      w = magnitude <= HUBER_K * s ? 1.0 : HUBER_K * s / magnitude;
      // the scale itself is an average of clipped residuals, so outliers cannot inflate it
      scale = 0.95 * scale + 0.05 * Math.min(magnitude, 3 * s);
    } else if (count >= 1) {
      scale = Math.abs(stepSeconds - sumT / weight) + 1e-3 * stepSeconds;
    }
    weight = decay * weight + w;
    sumB = decay * sumB + w * batchSize;
    sumBB = decay * sumBB + w * batchSize * (double) batchSize;
    sumT = decay * sumT + w * stepSeconds;
    sumBT = decay * sumBT + w * batchSize * stepSeconds;
    count++;
    refit();
  }

  /** The current fit; alpha = beta = 0 before any observation. */
  public StepTime current() {
    return new StepTime(alpha, beta);
  }

  /** Whether the remembered steps tell alpha from beta; if not, {@link #current()} is one of the fallbacks. */
  public boolean identified() {
    return identified;
  }

  /**
   * Sets alpha and beta from the weighted least-squares fit of the remembered steps, or, while their batch
   * sizes do not spread enough to identify it or the fit's slope is negative, from the fallbacks the class
   * comment gives; keeps the proportions of a fit worth keeping (a clear spread of sizes and an interior fit).
   * Once per observation, with one division by the weight: the policy reads the fit at every step.
   */
  private void refit() {
    identified = false;
    if (weight <= 0) {
      alpha = 0;
      beta = 0;
      meanSeconds = 0;
      return;
    }
    double inverseWeight = 1 / weight;
    double meanB = sumB * inverseWeight;
    double meanT = sumT * inverseWeight;
    meanSeconds = meanT;
    double varianceB = sumBB * inverseWeight - meanB * meanB;
    boolean spread = varianceB > 1e-4 * meanB * meanB;
    double slope = spread ? (sumBT * inverseWeight - meanB * meanT) / varianceB : 0;
    // a negative slope (larger batches faster per step) is timing noise over too narrow a spread of sizes, such
    // as a few B = 2 steps among B = 1 steps while the JIT compiler works, not a fit: taken as beta = 0 it made
    // every batch look free per example, and B* the search's limit, 10^7, on the noisy benchmark stream
    if (spread && slope >= 0) {
      identified = true;
      double intercept = meanT - slope * meanB;
      if (intercept < 0) {
        // through the origin: the least-squares slope of T = beta B
        alpha = 0;
        beta = sumBT / sumBB;
      } else {
        alpha = intercept;
        beta = slope;
        if (varianceB >= 0.01 * meanB * meanB && intercept > 0 && slope > 0) {
          lastAlpha = intercept;
          lastBeta = slope;
        }
      }
      return;
    }
    double lastAtMean = lastAlpha + lastBeta * meanB;
    if (lastAtMean > 0) {
      double scaleToNow = meanT / lastAtMean;
      alpha = lastAlpha * scaleToNow;
      beta = lastBeta * scaleToNow;
    } else {
      alpha = 0.5 * meanT;
      beta = alpha / meanB;
    }
  }

  /**
   * The fit's state: the decayed weighted sums of 1, B, B^2, T and B T, the robust scale, the decayed count of
   * steps and the last identifiable fit.
   */
  public record State(double weight, double sumB, double sumBB, double sumT, double sumBT, double scale, double count,
      double lastAlpha, double lastBeta) {
    public void writeTo(DoubleBuffer out) {
      out.put(weight).put(sumB).put(sumBB).put(sumT).put(sumBT).put(scale).put(count).put(lastAlpha).put(lastBeta);
    }

    public static State readFrom(DoubleBuffer in) {
      return new State(in.get(), in.get(), in.get(), in.get(), in.get(), in.get(), in.get(), in.get(), in.get());
    }
  }

  public State state() {
    return new State(weight, sumB, sumBB, sumT, sumBT, scale, count, lastAlpha, lastBeta);
  }

  public void restore(State state) {
    weight = state.weight();
    sumB = state.sumB();
    sumBB = state.sumBB();
    sumT = state.sumT();
    sumBT = state.sumBT();
    scale = state.scale();
    count = state.count();
    lastAlpha = state.lastAlpha();
    lastBeta = state.lastBeta();
    refit();
  }
}
