package io.batchwise.learner.model;

import io.batchwise.learner.loss.LossKind;
import io.batchwise.learner.loss.SoftmaxCrossEntropy;
import io.batchwise.learner.optim.Optimizer;
import java.util.Arrays;

/**
 * Multinomial logistic regression over K classes, labels 0..K-1, in the same fused plain-Java pass as
 * {@link GeneralizedLinearModel}: per example K dot products, the softmax, the cross-entropy, the
 * gradient {@code (p - onehot(y)) s(x)^T}, and its squared norm {@code |p - onehot(y)|^2 (|s(x)|^2 + 1)}.
 *
 * <p>Parameters: the K x d weights row-major (row c = class c), then the K biases.
 */
public final class SoftmaxRegression extends FusedLinearModel {
  private final int k;
  private final SoftmaxCrossEntropy crossEntropy = new SoftmaxCrossEntropy();
  /** Logits and weighted loss slopes of the current row group, row-major (row r at r * K). */
  private final double[] logits;
  private final double[] delta;
  /** One class's dot products and slopes for the rows of the current group. */
  private final double[] groupScores = new double[DenseKernels.GROUP];
  private final double[] groupSlopes = new double[DenseKernels.GROUP];
  /** Per-class weight gradients, each at offset 0 so the accumulation vectorizes (see DenseKernels). */
  private final double[][] classGradient;

  public SoftmaxRegression(int featureCount, int classes, Optimizer optimizer, Standardizer standardizer, double l2) {
    this(ModelSpec.canonical("softmax:" + classes, ModelConfig.DEFAULTS.withL2(l2).withStandardize(standardizer != null)),
        featureCount, classes, optimizer, standardizer, l2);
  }

  SoftmaxRegression(String spec, int featureCount, int classes, Optimizer optimizer, Standardizer standardizer,
      double l2) {
    super(spec, featureCount, checkedClasses(featureCount, classes) * featureCount, classes * featureCount + classes,
        optimizer, standardizer, l2);
    this.k = classes;
    this.logits = new double[DenseKernels.GROUP * k];
    this.delta = new double[DenseKernels.GROUP * k];
    this.classGradient = new double[k][d];
  }

  private static int checkedClasses(int featureCount, int classes) {
    if (featureCount < 1 || classes < 2) {
      throw new IllegalArgumentException("softmax needs d >= 1 and K >= 2, got d=" + featureCount + " K=" + classes);
    }
    return classes;
  }

  public int classes() {
    return k;
  }

  @Override
  protected boolean classifies() {
    return true;
  }

  @Override
  protected void pass(MicroBatch batch, boolean observe) {
    int n = batch.size();
    double[] x = batch.features();
    double[] y = batch.labels();
    double[] sw = batch.weights();
    double[] w = theta;
    double[] g = gradient;
    int biasOff = k * d;
    Arrays.fill(g, 0.0);
    for (double[] cg : classGradient) {
      Arrays.fill(cg, 0.0);
    }
    for (int i = 0; i < n; i++) {
      SoftmaxCrossEntropy.classOf(y[i], k); // reject a bad label before the standardizer sees the batch
    }
    double wSum = 0;
    double lSum = 0;
    double correct = 0;
    double exampleSq = 0;
    double[] z = groupScores;
    double[] e = groupSlopes;
    // rows in groups of DenseKernels.GROUP: each class's weights and gradient are read once per group
    for (int first = 0; first < n; first += DenseKernels.GROUP) {
      int count = Math.min(DenseKernels.GROUP, n - first);
      loadRows(x, first, count, sw, observe);
      for (int c = 0; c < k; c++) {
        if (count == DenseKernels.GROUP) {
          DenseKernels.dotGroup(w, c * d, rows, d, z);
        } else {
          for (int r = 0; r < count; r++) {
            z[r] = dot(w, c * d, rows[r], 0, d);
          }
        }
        for (int r = 0; r < count; r++) {
          logits[r * k + c] = w[biasOff + c] + z[r];
        }
      }
      for (int r = 0; r < count; r++) {
        int i = first + r;
        double wi = sw[i];
        int label = (int) y[i];
        int off = r * k;
        int best = 0;
        for (int c = 1; c < k; c++) {
          if (logits[off + c] > logits[off + best]) {
            best = c;
          }
        }
        double l = crossEntropy.lossAndDelta(logits, off, k, label, delta, off);
        wSum += wi;
        lSum += wi * l;
        if (best == label) {
          correct += wi;
        }
        double deltaSq = 0;
        for (int c = 0; c < k; c++) {
          double ec = wi * delta[off + c];
          delta[off + c] = ec;
          deltaSq += ec * ec;
          g[biasOff + c] += ec;
        }
        double sq = dot(rows[r], 0, rows[r], 0, d);
        exampleSq += deltaSq * (sq + 1);
      }
      for (int c = 0; c < k; c++) {
        if (count == DenseKernels.GROUP) {
          for (int r = 0; r < count; r++) {
            e[r] = delta[r * k + c];
          }
          DenseKernels.axpyGroup(e, rows, classGradient[c], d);
        } else {
          for (int r = 0; r < count; r++) {
            DenseKernels.axpy(delta[r * k + c], rows[r], classGradient[c], d);
          }
        }
      }
    }
    for (int c = 0; c < k; c++) {
      System.arraycopy(classGradient[c], 0, g, c * d, d);
    }
    passResult(wSum, lSum, correct, exampleSq);
  }

  private static double dot(double[] a, int aOff, double[] b, int bOff, int n) {
    return DenseKernels.dot(a, aOff, b, bOff, n);
  }

  @Override
  protected double penalty() {
    if (l2 == 0) {
      return 0;
    }
    return 0.5 * l2 * dot(theta, 0, theta, 0, k * d);
  }

  @Override
  public double[] predict(double[] features) {
    double[] s = standardized(features);
    double[] z = new double[k];
    for (int c = 0; c < k; c++) {
      z[c] = theta[k * d + c] + dot(theta, c * d, s, 0, d);
    }
    double[] p = new double[k];
    crossEntropy.softmax(z, 0, k, p, 0);
    return p;
  }

  @Override
  public ModelState exportState() {
    return exportState("softmax", new Layer(d, k, "softmax"), LossKind.CROSS_ENTROPY);
  }
}
