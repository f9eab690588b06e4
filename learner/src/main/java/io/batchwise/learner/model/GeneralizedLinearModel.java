package io.batchwise.learner.model;

import io.batchwise.learner.loss.ScalarLoss;
import io.batchwise.learner.optim.Optimizer;
import java.util.Arrays;

/**
 * A linear model {@code z = w . s(x) + b} under a {@link ScalarLoss}, where {@code s} is the online
 * {@link Standardizer} (or the identity). One fused pass over the batch in plain double[] loops scores
 * each example with the weights from before the step, accumulates the gradient and the per-example
 * gradient norms {@code |g_i|^2 = l'(z_i)^2 (|s(x_i)|^2 + 1)}, and collects the standardizer's batch
 * sums; then the optimizer takes one step and the standardizer folds the batch in. The same model on ND4J is
 * many times slower at small batches (docs/BENCHMARKS.md, Learner throughput): a few native calls per batch cost
 * more than the whole pass.
 *
 * <p>Parameters: d weights then the bias (one dense layer of {@link Layer}).
 */
public class GeneralizedLinearModel extends FusedLinearModel {
  private final String kind;
  private final ScalarLoss loss;
  /** Per feature, the sum over the batch of squared per-example gradients. */
  private final double[] gradientSquares;
  /** The dot products and weighted loss slopes of the current row group. */
  private final double[] groupScores = new double[DenseKernels.GROUP];
  private final double[] groupSlopes = new double[DenseKernels.GROUP];

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
    this.gradientSquares = new double[featureCount];
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
   * gradient sum into {@link #gradient} (not yet divided by the weight sum). Rows go in groups of
   * {@link DenseKernels#GROUP}: the weights are read once per group for the dot products, the gradient
   * once per pair of rows.
   */
  @Override
  protected void pass(MicroBatch batch, boolean observe) {
    int n = batch.size();
    double[] x = batch.features();
    double[] y = batch.labels();
    double[] sw = batch.weights();
    double[] w = theta;
    double[] g = gradient;
    double[] squares = gradientSquares;
    double[] z = groupScores;
    double[] e = groupSlopes;
    Arrays.fill(g, 0.0);
    Arrays.fill(squares, 0.0);
    double bias = w[d];
    double wSum = 0;
    double lSum = 0;
    double correct = 0;
    double biasSq = 0;
    double biasGrad = 0;
    for (int first = 0; first < n; first += DenseKernels.GROUP) {
      int count = Math.min(DenseKernels.GROUP, n - first);
      loadRows(x, first, count, sw, observe);
      if (count == DenseKernels.GROUP) {
        DenseKernels.dotGroup(w, 0, rows, d, z);
      } else {
        for (int k = 0; k < count; k++) {
          z[k] = DenseKernels.dot(w, 0, rows[k], 0, d);
        }
      }
      for (int k = 0; k < count; k++) {
        int i = first + k;
        double zi = bias + z[k];
        double yi = y[i];
        double wi = sw[i];
        double we = wi * loss.derivative(zi, yi);
        wSum += wi;
        lSum += wi * loss.loss(zi, yi);
        if ((zi >= 0) == (yi >= 0.5)) {
          correct += wi;
        }
        biasGrad += we;
        biasSq += we * we;
        e[k] = we;
        if (i == nextProbe) {
          probed(wi, loss.curvature(zi, yi), lastGradient[d] + DenseKernels.dot(lastGradient, 0, rows[k], 0, d));
        }
      }
      int k = 0;
      for (; k + 1 < count; k += 2) {
        DenseKernels.axpyWithSquares(e[k], rows[k], e[k + 1], rows[k + 1], g, squares, d);
      }
      if (k < count) {
        DenseKernels.axpyWithSquares(e[k], rows[k], g, squares, d);
      }
    }
    g[d] = biasGrad;
    // sum_i we_i^2 (|s(x_i)|^2 + 1), summed per feature over the rows
    passResult(wSum, lSum, correct, DenseKernels.sum(squares, d) + biasSq);
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
    return new double[] {loss.output(theta[d] + DenseKernels.dot(theta, 0, s, 0, d))};
  }

  @Override
  public ModelState exportState() {
    return exportState(kind, new Layer(d, 1, loss.classifies() ? "sigmoid" : "identity"), loss.kind());
  }
}
