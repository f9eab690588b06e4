package io.batchwise.learner.model;

import java.util.Arrays;

/**
 * Online feature standardization {@code (x - mean) / std} from running weighted statistics
 * (Welford 1962). A micro-batch is standardized with the statistics from before it, while its own
 * shifted sums are collected in the same pass ({@link #standardizeAndObserve}); {@link #commitBatch()}
 * then folds them in with the pairwise update of Chan, Golub and LeVeque (1979). So every batch is
 * scored and learned with the statistics of the examples before it, and a snapshot consumer holding
 * the exported statistics scores exactly as the learner does.
 *
 * <p>A feature whose variance is zero so far (or too small to tell from rounding) maps to 0, as
 * River's StandardScaler does; before any example every feature maps to 0.
 */
public final class Standardizer {
  /**
   * Standardized values are clipped to [-CLIP, CLIP]. A feature that was nearly constant for a long
   * stretch has a tiny variance, so its first real change standardizes to hundreds and saturates the
   * model: on elec (a price constant for its first 17,000 rows) that made the loss at a batch size depend on
   * where the batch boundaries fell. Clipped, it does not, and the clip's exact value matters little.
   */
  public static final double CLIP = 5.0;
  private final int d;
  private double count;
  private final double[] mean;
  private final double[] m2;
  /** 1 / std per feature, or 0 where the variance is (numerically) zero. */
  private final double[] inverseStd;
  private double batchWeight;
  private final double[] batchShiftedSum;
  private final double[] batchShiftedSquares;
  /** The row being standardized when the output is not at offset 0: HotSpot C2 (JDK 17) vectorizes
   *  loops over several double[] only when their indices agree, not with a row offset into the batch. */
  private final double[] rowOut;

  public Standardizer(int featureCount) {
    this.d = featureCount;
    this.mean = new double[d];
    this.m2 = new double[d];
    this.inverseStd = new double[d];
    this.batchShiftedSum = new double[d];
    this.batchShiftedSquares = new double[d];
    this.rowOut = new double[d];
  }

  /** Restores exported statistics. */
  public static Standardizer of(ModelState.Standardization state) {
    int d = state.mean().length;
    if (state.m2().length != d) {
      throw new IllegalArgumentException("standardizer mean has " + d + " entries, m2 " + state.m2().length);
    }
    Standardizer s = new Standardizer(d);
    s.count = state.count();
    System.arraycopy(state.mean(), 0, s.mean, 0, d);
    System.arraycopy(state.m2(), 0, s.m2, 0, d);
    s.refreshScale();
    return s;
  }

  /** Replaces the statistics with exported ones, in place (a replica taking over a merged model's). */
  public void load(ModelState.Standardization state) {
    if (state.mean().length != d || state.m2().length != d) {
      throw new IllegalArgumentException("standardizer has " + d + " features, the state " + state.mean().length);
    }
    count = state.count();
    System.arraycopy(state.mean(), 0, mean, 0, d);
    System.arraycopy(state.m2(), 0, m2, 0, d);
    discardBatch();
    refreshScale();
  }

  public ModelState.Standardization exportState() {
    return new ModelState.Standardization(count, mean.clone(), m2.clone());
  }

  public int featureCount() {
    return d;
  }

  /** Weighted examples folded in so far. */
  public double count() {
    return count;
  }

  /**
   * Standardizes {@code x[off .. off+d)} into {@code out[outOff ..)} with the current statistics,
   * clipped to [-{@link #CLIP}, {@link #CLIP}].
   */
  public void standardize(double[] x, int off, double[] out, int outOff) {
    // standardized in place, in out itself when it is at offset 0
    double[] o = outOff == 0 ? out : rowOut;
    System.arraycopy(x, off, o, 0, d);
    double[] mu = mean;
    double[] inv = inverseStd;
    double clip = CLIP;
    for (int j = 0; j < d; j++) {
      o[j] = Math.max(-clip, Math.min(clip, (o[j] - mu[j]) * inv[j]));
    }
    if (o != out) {
      System.arraycopy(o, 0, out, outOff, d);
    }
  }

  /**
   * As {@link #standardize}, and collects the row (with example weight {@code w}) for the next
   * {@link #commitBatch()}. Element-wise only, so the JIT can vectorize it.
   */
  public void standardizeAndObserve(double[] x, int off, double w, double[] out, int outOff) {
    // standardized in place, in out itself when it is at offset 0
    double[] o = outOff == 0 ? out : rowOut;
    System.arraycopy(x, off, o, 0, d);
    double[] mu = mean;
    double[] inv = inverseStd;
    double[] s1 = batchShiftedSum;
    double[] s2 = batchShiftedSquares;
    double clip = CLIP;
    for (int j = 0; j < d; j++) {
      double c = o[j] - mu[j];
      o[j] = Math.max(-clip, Math.min(clip, c * inv[j]));
      double wc = w * c;
      s1[j] += wc;
      s2[j] += wc * c;
    }
    if (o != out) {
      System.arraycopy(o, 0, out, outOff, d);
    }
    batchWeight += w;
  }

  /** Folds the rows observed since the last commit into the running statistics. */
  public void commitBatch() {
    double nb = batchWeight;
    if (nb > 0) {
      double na = count;
      double n = na + nb;
      // the weight ratios hoisted out of the loop: a division per feature cost more than a batch of 8 rows at d = 1000
      double perBatchWeight = 1.0 / nb;
      double batchShare = nb / n;
      double crossWeight = na * nb / n;
      double[] s1 = batchShiftedSum;
      double[] s2 = batchShiftedSquares;
      double[] mu = mean;
      double[] sq = m2;
      for (int j = 0; j < d; j++) {
        // the batch's mean minus the old mean, and its own sum of squared deviations
        double delta = s1[j] * perBatchWeight;
        double batchM2 = Math.max(0.0, s2[j] - s1[j] * delta);
        mu[j] += delta * batchShare;
        sq[j] += batchM2 + delta * delta * crossWeight;
      }
      count = n;
      refreshScale();
    }
    discardBatch();
  }

  /** Forgets rows observed since the last commit (a batch that was not learned from). */
  public void discardBatch() {
    batchWeight = 0;
    Arrays.fill(batchShiftedSum, 0.0);
    Arrays.fill(batchShiftedSquares, 0.0);
  }

  private void refreshScale() {
    double[] inv = inverseStd;
    double[] sq = m2;
    double[] mu = mean;
    double n = count;
    if (!(n > 0)) {
      Arrays.fill(inv, 0.0);
      return;
    }
    // two loops: the first, without a branch, vectorizes (scalar, its square root and division cost
    // several ns per feature); the second, multiplications only, zeroes the features with no usable
    // variance: below ~1e-12 relative to the squared mean, it is rounding noise of a constant feature
    for (int j = 0; j < d; j++) {
      inv[j] = Math.sqrt(n / sq[j]);
    }
    for (int j = 0; j < d; j++) {
      if (!(sq[j] > n * (1e-12 * mu[j] * mu[j] + Double.MIN_NORMAL))) {
        inv[j] = 0.0;
      }
    }
  }
}
