package io.batchwise.learner.model;

/** Dense double[] loops written so the JIT keeps several independent accumulators in flight. */
final class DenseKernels {
  /**
   * Rows the group kernels take at once: a weight vector is read once per four rows instead of once
   * per row (at d = 1000 the pass's arrays do not fit in L1 together), and the four rows' dot products
   * give the core eight independent sums.
   */
  static final int GROUP = 4;

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

  /**
   * The dot products of {@code a[aOff .. aOff+n)} with each of the {@link #GROUP} rows {@code r[0..3]}
   * (each at offset 0) into {@code out[0..3]}, two partial sums per row. A floating-point sum does not
   * vectorize in C2 (Java fixes its order), so the gain is reading {@code a} once and keeping eight
   * independent adds in flight.
   */
  static void dotGroup(double[] a, int aOff, double[][] r, int n, double[] out) {
    double[] r0 = r[0];
    double[] r1 = r[1];
    double[] r2 = r[2];
    double[] r3 = r[3];
    double s0 = 0;
    double t0 = 0;
    double s1 = 0;
    double t1 = 0;
    double s2 = 0;
    double t2 = 0;
    double s3 = 0;
    double t3 = 0;
    int j = 0;
    for (; j + 1 < n; j += 2) {
      double a0 = a[aOff + j];
      double a1 = a[aOff + j + 1];
      s0 += a0 * r0[j];
      t0 += a1 * r0[j + 1];
      s1 += a0 * r1[j];
      t1 += a1 * r1[j + 1];
      s2 += a0 * r2[j];
      t2 += a1 * r2[j + 1];
      s3 += a0 * r3[j];
      t3 += a1 * r3[j + 1];
    }
    if (j < n) {
      double a0 = a[aOff + j];
      s0 += a0 * r0[j];
      s1 += a0 * r1[j];
      s2 += a0 * r2[j];
      s3 += a0 * r3[j];
    }
    out[0] = s0 + t0;
    out[1] = s1 + t1;
    out[2] = s2 + t2;
    out[3] = s3 + t3;
  }

  /** {@code y[j] += sum_k alpha[k] * r[k][j]} over the {@link #GROUP} rows; all at offset 0, so it vectorizes. */
  static void axpyGroup(double[] alpha, double[][] r, double[] y, int n) {
    double e0 = alpha[0];
    double e1 = alpha[1];
    double e2 = alpha[2];
    double e3 = alpha[3];
    double[] r0 = r[0];
    double[] r1 = r[1];
    double[] r2 = r[2];
    double[] r3 = r[3];
    for (int j = 0; j < n; j++) {
      y[j] += (e0 * r0[j] + e1 * r1[j]) + (e2 * r2[j] + e3 * r3[j]);
    }
  }

  /**
   * {@code y[j] += alpha * x[j]} and {@code squares[j] += (alpha * x[j])^2}: the per-feature sums of
   * squared per-example gradients, kept per feature (vectorized) rather than as a per-row sum
   * {@code |x|^2}, which would be one more scalar reduction per row.
   */
  static void axpyWithSquares(double alpha, double[] x, double[] y, double[] squares, int n) {
    for (int j = 0; j < n; j++) {
      double t = alpha * x[j];
      y[j] += t;
      squares[j] += t * t;
    }
  }

  /**
   * {@link #axpyWithSquares} for two rows at once, so {@code y} and {@code squares} are read once per
   * pair. Two, not four: C2 (JDK 17) left the four-row version of this loop scalar.
   */
  static void axpyWithSquares(double alpha0, double[] x0, double alpha1, double[] x1, double[] y, double[] squares,
      int n) {
    for (int j = 0; j < n; j++) {
      double t0 = alpha0 * x0[j];
      double t1 = alpha1 * x1[j];
      y[j] += t0 + t1;
      squares[j] += t0 * t0 + t1 * t1;
    }
  }

  /** {@code sum_j a[j]} with four partial sums. */
  static double sum(double[] a, int n) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int j = 0;
    for (; j + 3 < n; j += 4) {
      s0 += a[j];
      s1 += a[j + 1];
      s2 += a[j + 2];
      s3 += a[j + 3];
    }
    for (; j < n; j++) {
      s0 += a[j];
    }
    return (s0 + s1) + (s2 + s3);
  }
}
