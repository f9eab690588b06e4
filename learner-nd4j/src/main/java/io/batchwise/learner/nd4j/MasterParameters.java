package io.batchwise.learner.nd4j;

import static org.bytedeco.openblas.global.openblas_nolapack.cblas_ddot;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sdot;

import io.batchwise.learner.optim.Optimizer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The MLP's master parameters and their gradient on the host, in the precision the model computes in, laid out as
 * {@link MultilayerPerceptron} documents. Weights go to ND4J and weight gradients come back by bulk copies, and the
 * optimizer steps the arrays in place, so a step touches each parameter a few times, not through float64 copies.
 */
sealed interface MasterParameters permits MasterParameters.Float32, MasterParameters.Float64 {

  static MasterParameters of(int size, boolean doublePrecision) {
    return doublePrecision ? new Float64(size) : new Float32(size);
  }

  int size();

  double theta(int k);

  void setTheta(int k, double value);

  double gradient(int k);

  /** A float64 copy of the parameters. */
  double[] toArray();

  void setAll(double[] parameters);

  /** Copies parameters {@code [off, off + len)} into {@code dst}, an array of this precision. */
  void upload(int off, int len, INDArray dst);

  /**
   * Sets gradient {@code [off, off + len)} to {@code src} (an array of this precision) plus {@code l2} times the
   * parameters; returns the squared norm of what it set (without L2, the BLAS's dot product of {@code src}: a Java
   * loop summing squares is one chain of dependent additions, several times slower).
   */
  double downloadGradient(INDArray src, int off, int len, double l2);

  /** Sets gradient {@code [off, off + len)} to {@code values}; returns their squared norm. */
  double setGradient(int off, double[] values, int len);

  /** One optimizer step on the parameters in place, with the gradient of a batch of {@code batchSize} examples. */
  void step(Optimizer optimizer, double rate, int batchSize);

  /** float32 master parameters: a model computing in float32 loses nothing a float64 copy would keep. */
  final class Float32 implements MasterParameters {
    private final float[] theta;
    private final float[] gradient;

    Float32(int size) {
      theta = new float[size];
      gradient = new float[size];
    }

    @Override
    public int size() {
      return theta.length;
    }

    @Override
    public double theta(int k) {
      return theta[k];
    }

    @Override
    public void setTheta(int k, double value) {
      theta[k] = (float) value;
    }

    @Override
    public double gradient(int k) {
      return gradient[k];
    }

    @Override
    public double[] toArray() {
      double[] copy = new double[theta.length];
      for (int k = 0; k < copy.length; k++) {
        copy[k] = theta[k];
      }
      return copy;
    }

    @Override
    public void setAll(double[] parameters) {
      for (int k = 0; k < theta.length; k++) {
        theta[k] = (float) parameters[k];
      }
    }

    @Override
    public void upload(int off, int len, INDArray dst) {
      dst.data().asNioFloat().put(0, theta, off, len);
    }

    @Override
    public double downloadGradient(INDArray src, int off, int len, double l2) {
      src.data().asNioFloat().get(0, gradient, off, len);
      if (l2 == 0) {
        FloatPointer p = new FloatPointer(src.data().addressPointer());
        return cblas_sdot(len, p, 1, p, 1);
      }
      double sq = 0;
      for (int k = off; k < off + len; k++) {
        gradient[k] += (float) l2 * theta[k];
        sq += gradient[k] * gradient[k];
      }
      return sq;
    }

    @Override
    public double setGradient(int off, double[] values, int len) {
      double sq = 0;
      for (int c = 0; c < len; c++) {
        float g = (float) values[c];
        gradient[off + c] = g;
        sq += g * g;
      }
      return sq;
    }

    @Override
    public void step(Optimizer optimizer, double rate, int batchSize) {
      optimizer.step(theta, gradient, rate, batchSize);
    }
  }

  /** float64 master parameters, for {@code precision=float64}. */
  final class Float64 implements MasterParameters {
    private final double[] theta;
    private final double[] gradient;

    Float64(int size) {
      theta = new double[size];
      gradient = new double[size];
    }

    @Override
    public int size() {
      return theta.length;
    }

    @Override
    public double theta(int k) {
      return theta[k];
    }

    @Override
    public void setTheta(int k, double value) {
      theta[k] = value;
    }

    @Override
    public double gradient(int k) {
      return gradient[k];
    }

    @Override
    public double[] toArray() {
      return theta.clone();
    }

    @Override
    public void setAll(double[] parameters) {
      System.arraycopy(parameters, 0, theta, 0, theta.length);
    }

    @Override
    public void upload(int off, int len, INDArray dst) {
      dst.data().asNioDouble().put(0, theta, off, len);
    }

    @Override
    public double downloadGradient(INDArray src, int off, int len, double l2) {
      src.data().asNioDouble().get(0, gradient, off, len);
      if (l2 == 0) {
        DoublePointer p = new DoublePointer(src.data().addressPointer());
        return cblas_ddot(len, p, 1, p, 1);
      }
      double sq = 0;
      for (int k = off; k < off + len; k++) {
        gradient[k] += l2 * theta[k];
        sq += gradient[k] * gradient[k];
      }
      return sq;
    }

    @Override
    public double setGradient(int off, double[] values, int len) {
      double sq = 0;
      for (int c = 0; c < len; c++) {
        gradient[off + c] = values[c];
        sq += values[c] * values[c];
      }
      return sq;
    }

    @Override
    public void step(Optimizer optimizer, double rate, int batchSize) {
      optimizer.step(theta, gradient, rate, batchSize);
    }
  }
}
