package io.batchwise.learner.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Each product, by rows (matrix-vector, rank-one updates) and by one gemm, against plain loops over the same numbers:
 * row counts on both sides of each crossover, in float64 (to 1e-12) and float32 (to float32's rounding).
 */
class LayerProductsTest {
  private static final int IN = 13;
  private static final int OUT = 7;

  @ParameterizedTest
  @ValueSource(ints = {1, 3, LayerProducts.ROWS_BY_OUTER_PRODUCT, LayerProducts.ROWS_BY_OUTER_PRODUCT + 1,
      LayerProducts.ROWS_BY_VECTOR, LayerProducts.ROWS_BY_VECTOR + 1, 40})
  void everyPathComputesTheProducts(int n) {
    for (DataType dtype : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      double tolerance = dtype == DataType.DOUBLE ? 1e-12 : 1e-5;
      Random rnd = new Random(n);
      double[] a = gaussians(rnd, n * IN);
      double[] w = gaussians(rnd, OUT * IN);
      double[] delta = gaussians(rnd, n * OUT);
      LayerProducts products = new LayerProducts(dtype);

      INDArray z = Nd4j.create(dtype, n, OUT);
      products.forward(array(a, dtype, n, IN), array(w, dtype, OUT, IN), z, n, IN, OUT);
      INDArray g = Nd4j.create(dtype, OUT, IN).assign(99);
      products.weightGradient(array(delta, dtype, n, OUT), array(a, dtype, n, IN), g, n, IN, OUT);
      INDArray d = Nd4j.create(dtype, n, IN);
      products.backpropagate(array(delta, dtype, n, OUT), array(w, dtype, OUT, IN), d, n, IN, OUT);

      for (int i = 0; i < n; i++) {
        for (int o = 0; o < OUT; o++) {
          double expected = 0;
          for (int j = 0; j < IN; j++) {
            expected += a[i * IN + j] * w[o * IN + j];
          }
          assertEquals(expected, z.getDouble(i, o), tolerance, dtype + " forward " + i + "," + o);
        }
        for (int j = 0; j < IN; j++) {
          double expected = 0;
          for (int o = 0; o < OUT; o++) {
            expected += delta[i * OUT + o] * w[o * IN + j];
          }
          assertEquals(expected, d.getDouble(i, j), tolerance, dtype + " backpropagate " + i + "," + j);
        }
      }
      for (int o = 0; o < OUT; o++) {
        for (int j = 0; j < IN; j++) {
          double expected = 0;
          for (int i = 0; i < n; i++) {
            expected += delta[i * OUT + o] * a[i * IN + j];
          }
          assertEquals(expected, g.getDouble(o, j), tolerance * n, dtype + " weight gradient " + o + "," + j);
        }
      }
    }
  }

  private static double[] gaussians(Random rnd, int count) {
    double[] values = new double[count];
    for (int k = 0; k < count; k++) {
      values[k] = floatExact(rnd.nextGaussian());
    }
    return values;
  }

  /** Values a float holds exactly, so that float32 and the float64 reference multiply the same numbers. */
  private static double floatExact(double v) {
    return (float) v;
  }

  private static INDArray array(double[] values, DataType dtype, int rows, int columns) {
    return Nd4j.create(values, new long[] {rows, columns}, DataType.DOUBLE).castTo(dtype).dup('c');
  }
}
