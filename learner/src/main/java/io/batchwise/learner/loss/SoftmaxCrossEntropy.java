package io.batchwise.learner.loss;

/**
 * Multinomial cross-entropy on K logits: {@code l = logsumexp(z) - z_y}; gradient {@code p - onehot(y)}
 * with {@code p = softmax(z)}. Computed with the max subtracted, so no logit overflows.
 */
public final class SoftmaxCrossEntropy {
  /** The loss's name as it appears in model state. */

  /**
   * Writes {@code softmax(z)} for {@code z[off .. off+k)} into {@code p[pOff .. pOff+k)} and returns
   * {@code logsumexp(z)}.
   */
  public double softmax(double[] z, int off, int k, double[] p, int pOff) {
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < k; c++) {
      max = Math.max(max, z[off + c]);
    }
    double sum = 0;
    for (int c = 0; c < k; c++) {
      double e = Math.exp(z[off + c] - max);
      p[pOff + c] = e;
      sum += e;
    }
    double inv = 1.0 / sum;
    for (int c = 0; c < k; c++) {
      p[pOff + c] *= inv;
    }
    return max + Math.log(sum);
  }

  /**
   * Loss of label {@code label} for logits {@code z[off..off+k)}; leaves the gradient
   * {@code p - onehot(label)} in {@code delta[dOff..dOff+k)}.
   */
  public double lossAndDelta(double[] z, int off, int k, int label, double[] delta, int dOff) {
    double logSumExp = softmax(z, off, k, delta, dOff);
    delta[dOff + label] -= 1.0;
    return logSumExp - z[off + label];
  }

  /** The class a label value names, checked to be an integer in [0, k). */
  public static int classOf(double label, int k) {
    int c = (int) label;
    if (c != label || c < 0 || c >= k) {
      throw new IllegalArgumentException("label " + label + " is not a class index in [0, " + k + ")");
    }
    return c;
  }
}
