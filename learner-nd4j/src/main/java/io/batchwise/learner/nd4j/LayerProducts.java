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
    timesWeights(a, w, z, n, in, out, false);
  }

  /** G (out x in) = delta^T A: the weight gradient summed over the n rows of delta (n x out) and A (n x in). */
  void weightGradient(INDArray delta, INDArray a, INDArray g, int n, int in, int out) {
    if (n <= ROWS_BY_OUTER_PRODUCT) {
      Pointer.memset(g.data().addressPointer(), 0, (long) out * in * g.data().getElementSize());
      if (doublePrecision) {
        DoublePointer d = doubles(delta);
        DoublePointer x = doubles(a);
        DoublePointer y = doubles(g);
        for (int i = 0; i < n; i++) {
          cblas_dger(CblasRowMajor, out, in, 1.0, d.position((long) i * out), 1, x.position((long) i * in), 1, y, in);
        }
      } else {
        FloatPointer d = floats(delta);
        FloatPointer x = floats(a);
        FloatPointer y = floats(g);
        for (int i = 0; i < n; i++) {
          cblas_sger(CblasRowMajor, out, in, 1f, d.position((long) i * out), 1, x.position((long) i * in), 1, y, in);
        }
      }
    } else if (doublePrecision) {
      cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, out, in, n, 1.0, doubles(delta), out, doubles(a), in, 0.0,
          doubles(g), in);
    } else {
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, out, in, n, 1f, floats(delta), out, floats(a), in, 0f,
          floats(g), in);
    }
  }

  /** D (n x in) = delta (n x out) W: the gradient with respect to the layer's inputs. */
  void backpropagate(INDArray delta, INDArray w, INDArray d, int n, int in, int out) {
    timesWeights(delta, w, d, n, in, out, true);
  }

  /**
   * Y = X W^T (forward: X n x in, Y n x out) or Y = X W (backward: X n x out, Y n x in), with W out x in: below
   * {@link #ROWS_BY_VECTOR} rows one gemv a row, through pointers made once and moved along the rows.
   */
  private void timesWeights(INDArray x, INDArray w, INDArray y, int n, int in, int out, boolean backward) {
    int xCols = backward ? out : in;
    int yCols = backward ? in : out;
    if (n <= ROWS_BY_VECTOR) {
      int trans = backward ? CblasTrans : CblasNoTrans;
      if (doublePrecision) {
        DoublePointer wp = doubles(w);
        DoublePointer xp = doubles(x);
        DoublePointer yp = doubles(y);
        for (int i = 0; i < n; i++) {
          cblas_dgemv(CblasRowMajor, trans, out, in, 1.0, wp, in, xp.position((long) i * xCols), 1, 0.0,
              yp.position((long) i * yCols), 1);
        }
      } else {
        FloatPointer wp = floats(w);
        FloatPointer xp = floats(x);
        FloatPointer yp = floats(y);
        for (int i = 0; i < n; i++) {
          cblas_sgemv(CblasRowMajor, trans, out, in, 1f, wp, in, xp.position((long) i * xCols), 1, 0f,
              yp.position((long) i * yCols), 1);
        }
      }
      return;
    }
    int transW = backward ? CblasNoTrans : CblasTrans;
    if (doublePrecision) {
      cblas_dgemm(CblasRowMajor, CblasNoTrans, transW, n, yCols, xCols, 1.0, doubles(x), xCols, doubles(w), in, 0.0,
          doubles(y), yCols);
    } else {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, transW, n, yCols, xCols, 1f, floats(x), xCols, floats(w), in, 0f,
          floats(y), yCols);
    }
  }

  private static FloatPointer floats(INDArray array) {
    return new FloatPointer(array.data().addressPointer()).position(0);
  }

  private static DoublePointer doubles(INDArray array) {
    return new DoublePointer(array.data().addressPointer()).position(0);
  }
}
