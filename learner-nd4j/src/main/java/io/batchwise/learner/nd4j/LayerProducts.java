package io.batchwise.learner.nd4j;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemv;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dger;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemv;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sger;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A dense layer's three matrix products, on row-major ND4J arrays, by the BLAS that ND4J itself runs on (OpenBLAS),
 * called directly and chosen by the batch's row count.
 *
 * <p>Why not {@code Nd4j.gemm}: each call builds a custom op, whose overhead does not shrink with the product, and a
 * gemm packs its whole weight matrix on every call, which for a few rows costs far more than the arithmetic. Below
 * {@link #ROWS_BY_VECTOR} rows the products run a row at a time (gemv; the weight gradient as rank-one updates, ger,
 * below {@link #ROWS_BY_OUTER_PRODUCT}), from there on as one gemm: the crossovers measured for a 784 x 128 layer
 * (docs/LEARNER.md, Backends).
 */
final class LayerProducts {
  /** Up to this many rows, one matrix-vector product a row beats a gemm. */
  static final int ROWS_BY_VECTOR = 16;
  /** Up to this many rows, the weight gradient as one rank-one update a row beats a gemm. */
  static final int ROWS_BY_OUTER_PRODUCT = 4;

  private final boolean doublePrecision;

  LayerProducts(DataType dtype) {
    this.doublePrecision = dtype == DataType.DOUBLE;
  }

  /** Z (n x out) = A (n x in) W^T, with W out x in. */
  void forward(INDArray a, INDArray w, INDArray z, int n, int in, int out) {
    if (n <= ROWS_BY_VECTOR) {
      for (int i = 0; i < n; i++) {
        if (doublePrecision) {
          cblas_dgemv(CblasRowMajor, CblasNoTrans, out, in, 1.0, doubles(w, 0), in, doubles(a, i * in), 1, 0.0,
              doubles(z, i * out), 1);
        } else {
          cblas_sgemv(CblasRowMajor, CblasNoTrans, out, in, 1f, floats(w, 0), in, floats(a, i * in), 1, 0f,
              floats(z, i * out), 1);
        }
      }
    } else if (doublePrecision) {
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, out, in, 1.0, doubles(a, 0), in, doubles(w, 0), in, 0.0,
          doubles(z, 0), out);
    } else {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, out, in, 1f, floats(a, 0), in, floats(w, 0), in, 0f,
          floats(z, 0), out);
    }
  }

  /** G (out x in) = delta^T A: the weight gradient summed over the n rows of delta (n x out) and A (n x in). */
  void weightGradient(INDArray delta, INDArray a, INDArray g, int n, int in, int out) {
    if (n <= ROWS_BY_OUTER_PRODUCT) {
      Pointer.memset(g.data().addressPointer(), 0, (long) out * in * g.data().getElementSize());
      for (int i = 0; i < n; i++) {
        if (doublePrecision) {
          cblas_dger(CblasRowMajor, out, in, 1.0, doubles(delta, i * out), 1, doubles(a, i * in), 1, doubles(g, 0), in);
        } else {
          cblas_sger(CblasRowMajor, out, in, 1f, floats(delta, i * out), 1, floats(a, i * in), 1, floats(g, 0), in);
        }
      }
    } else if (doublePrecision) {
      cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, out, in, n, 1.0, doubles(delta, 0), out, doubles(a, 0), in,
          0.0, doubles(g, 0), in);
    } else {
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, out, in, n, 1f, floats(delta, 0), out, floats(a, 0), in, 0f,
          floats(g, 0), in);
    }
  }

  /** D (n x in) = delta (n x out) W: the gradient with respect to the layer's inputs. */
  void backpropagate(INDArray delta, INDArray w, INDArray d, int n, int in, int out) {
    if (n <= ROWS_BY_VECTOR) {
      for (int i = 0; i < n; i++) {
        if (doublePrecision) {
          cblas_dgemv(CblasRowMajor, CblasTrans, out, in, 1.0, doubles(w, 0), in, doubles(delta, i * out), 1, 0.0,
              doubles(d, i * in), 1);
        } else {
          cblas_sgemv(CblasRowMajor, CblasTrans, out, in, 1f, floats(w, 0), in, floats(delta, i * out), 1, 0f,
              floats(d, i * in), 1);
        }
      }
    } else if (doublePrecision) {
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, in, out, 1.0, doubles(delta, 0), out, doubles(w, 0), in,
          0.0, doubles(d, 0), in);
    } else {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, in, out, 1f, floats(delta, 0), out, floats(w, 0), in,
          0f, floats(d, 0), in);
    }
  }

  private static FloatPointer floats(INDArray array, long offset) {
    return new FloatPointer(array.data().addressPointer()).position(offset);
  }

  private static DoublePointer doubles(INDArray array, long offset) {
    return new DoublePointer(array.data().addressPointer()).position(offset);
  }
}
