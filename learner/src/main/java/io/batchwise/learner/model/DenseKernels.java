package io.batchwise.learner.model;

/** Dense double[] loops written so the JIT keeps several independent accumulators in flight. */
final class DenseKernels {
  private DenseKernels() {
  }

  /** {@code sum_j a[aOff + j] * b[bOff + j]} over {@code n} entries, four partial sums. */
  static double dot(double[] a, int aOff, double[] b, int bOff, int n) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int j = 0;
    for (; j + 3 < n; j += 4) {
      s0 += a[aOff + j] * b[bOff + j];
      s1 += a[aOff + j + 1] * b[bOff + j + 1];
      s2 += a[aOff + j + 2] * b[bOff + j + 2];
      s3 += a[aOff + j + 3] * b[bOff + j + 3];
    }
    for (; j < n; j++) {
      s0 += a[aOff + j] * b[bOff + j];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /**
   * {@code y[j] += alpha * x[j]} over {@code n} entries. Both at offset 0: HotSpot C2 (JDK 17)
   * vectorizes this loop then, but not with offsets into larger arrays.
   */
  static void axpy(double alpha, double[] x, double[] y, int n) {
    for (int j = 0; j < n; j++) {
      y[j] += alpha * x[j];
    }
  }
}
