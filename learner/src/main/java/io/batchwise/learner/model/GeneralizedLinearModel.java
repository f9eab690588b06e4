package io.batchwise.learner.model;

import io.batchwise.learner.loss.ScalarLoss;
import io.batchwise.learner.optim.Optimizer;
import java.util.Arrays;

/**
 * A linear model {@code z = w . s(x) + b} under a {@link ScalarLoss}, where {@code s} is the online
 * {@link Standardizer} (or the identity). One fused pass over the batch in plain double[] loops scores
 * each example with the weights from before the step, accumulates the gradient and the per-example
 * gradient norms {@code |g_i|^2 = l'(z_i)^2 (|s(x_i)|^2 + 1)}, and collects the standardizer's batch
 * sums; then the optimizer takes one step and the standardizer folds the batch in. The same model
 * on ND4J measured 11x to 129x slower at batch sizes 1 to 8 (docs/BENCHMARKS.md, Learner throughput):
 * a few native calls per batch cost more than the whole pass.
 *
 * <p>Parameters: d weights then the bias (one dense layer of {@link LayerShape}).
 */
public class GeneralizedLinearModel extends FusedLinearModel {
  private final String kind;
  private final ScalarLoss loss;

  /**
   * @param standardizer null for raw features
   * @param l2           L2 penalty on the weights (not the bias)
   */
  public GeneralizedLinearModel(String spec, String kind, int featureCount, ScalarLoss loss, Optimizer optimizer,
      Standardizer standardizer, double l2) {
    super(spec, checkedFeatureCount(featureCount, standardizer), featureCount, featureCount + 1, optimizer,
        standardizer, l2);
    this.kind = kind;
    this.loss = loss;
  }

  private static int checkedFeatureCount(int featureCount, Standardizer standardizer) {
    if (featureCount < 1) {
      throw new IllegalArgumentException("feature count must be at least 1, got " + featureCount);
    }
    if (standardizer != null && standardizer.featureCount() != featureCount) {
      throw new IllegalArgumentException("standardizer has " + standardizer.featureCount() + " features, model " + featureCount);
    }
    return featureCount;
  }

  public ScalarLoss loss() {
    return loss;
  }

  public Optimizer optimizer() {
    return optimizer;
  }

  @Override
  protected boolean classifies() {
    return loss.classifies();
  }

  /**
   * The fused pass: scores each example with the current weights and accumulates the weighted
   * gradient sum into {@link #gradient} (not yet divided by the weight sum).
   */
  @Override
  protected void pass(MicroBatch batch, boolean observe) {
    int n = batch.size();
    double[] x = batch.features();
    double[] y = batch.labels();
    double[] sw = batch.weights();
    double[] w = theta;
    double[] g = gradient;
    Arrays.fill(g, 0.0);
    double bias = w[d];
    double wSum = 0;
    double lSum = 0;
    double correct = 0;
    double exampleSq = 0;
    double biasGrad = 0;
    for (int i = 0; i < n; i++) {
      int off = i * d;
      double wi = sw[i];
      // the row at offset 0 of its own buffer keeps the loops below vectorizable (see Standardizer)
      double[] r = row;
      loadRow(x, off, wi, observe);
      // z and |s(x)|^2 with four accumulators each, so the adds do not wait on one another
      double z0 = 0;
      double z1 = 0;
      double z2 = 0;
      double z3 = 0;
      double q0 = 0;
      double q1 = 0;
      double q2 = 0;
      double q3 = 0;
      int j = 0;
      for (; j + 3 < d; j += 4) {
        double a0 = r[j];
        double a1 = r[j + 1];
        double a2 = r[j + 2];
        double a3 = r[j + 3];
        z0 += w[j] * a0;
        z1 += w[j + 1] * a1;
        z2 += w[j + 2] * a2;
        z3 += w[j + 3] * a3;
        q0 += a0 * a0;
        q1 += a1 * a1;
        q2 += a2 * a2;
        q3 += a3 * a3;
      }
      for (; j < d; j++) {
        double a = r[j];
        z0 += w[j] * a;
        q0 += a * a;
      }
      double z = bias + ((z0 + z1) + (z2 + z3));
      double sq = (q0 + q1) + (q2 + q3);
      double yi = y[i];
      double e = loss.derivative(z, yi);
      double we = wi * e;
      wSum += wi;
      lSum += wi * loss.loss(z, yi);
      if ((z >= 0) == (yi >= 0.5)) {
        correct += wi;
      }
      exampleSq += we * we * (sq + 1);
      if (i == nextProbe) {
        probed(wi, loss.curvature(z, yi), lastGradient[d] + dot(lastGradient, r, 0, d));
      }
      DenseKernels.axpy(we, r, g, d);
      biasGrad += we;
    }
    g[d] = biasGrad;
    passResult(wSum, lSum, correct, exampleSq);
  }

  private static double dot(double[] a, double[] b, int bOff, int n) {
    return DenseKernels.dot(a, 0, b, bOff, n);
  }

  @Override
  protected double penalty() {
    if (l2 == 0) {
      return 0;
    }
    double s = 0;
    for (int j = 0; j < d; j++) {
      s += theta[j] * theta[j];
    }
    return 0.5 * l2 * s;
  }

  @Override
  public double[] predict(double[] features) {
    double[] s = standardized(features);
    return new double[] {loss.output(theta[d] + dot(theta, s, 0, d))};
  }

  @Override
  public ModelState exportState() {
    return exportState(kind, new LayerShape(d, 1, loss.classifies() ? "sigmoid" : "identity"), loss.name());
  }
}
