package io.batchwise.learner.model;

import io.batchwise.learner.loss.SoftmaxCrossEntropy;
import io.batchwise.learner.optim.Optimizer;
import java.util.Arrays;
import java.util.List;

/**
 * Multinomial logistic regression over K classes, labels 0..K-1, in the same fused plain-Java pass as
 * {@link GeneralizedLinearModel}: per example K dot products, the softmax, the cross-entropy, the
 * gradient {@code (p - onehot(y)) s(x)^T}, and its squared norm {@code |p - onehot(y)|^2 (|s(x)|^2 + 1)}.
 *
 * <p>Parameters: the K x d weights row-major (row c = class c), then the K biases.
 */
public final class SoftmaxRegression implements DifferentiableModel {
  private final String spec;
  private final int d;
  private final int k;
  private final Optimizer optimizer;
  private final Standardizer standardizer;
  private final double l2;
  private final SoftmaxCrossEntropy crossEntropy = new SoftmaxCrossEntropy();
  private final double[] theta;
  private final double[] gradient;
  private final double[] row;
  private final double[] logits;
  private final double[] delta;
  /** Per-class weight gradients, each at offset 0 so the accumulation vectorizes (see DenseKernels). */
  private final double[][] classGradient;

  private double weightSum;
  private double lossSum;
  private double correctSum;
  private double weightedExampleGradientSquares;

  public SoftmaxRegression(int featureCount, int classes, Optimizer optimizer, Standardizer standardizer, double l2) {
    this(ModelSpec.canonical("softmax:" + classes, ModelConfig.DEFAULTS.withL2(l2).withStandardize(standardizer != null)),
        featureCount, classes, optimizer, standardizer, l2);
  }

  SoftmaxRegression(String spec, int featureCount, int classes, Optimizer optimizer, Standardizer standardizer,
      double l2) {
    if (featureCount < 1 || classes < 2) {
      throw new IllegalArgumentException("softmax needs d >= 1 and K >= 2, got d=" + featureCount + " K=" + classes);
    }
    this.spec = spec;
    this.d = featureCount;
    this.k = classes;
    this.optimizer = optimizer;
    this.standardizer = standardizer;
    this.l2 = l2;
    this.theta = new double[k * d + k];
    this.gradient = new double[k * d + k];
    this.row = new double[d];
    this.logits = new double[k];
    this.delta = new double[k];
    this.classGradient = new double[k][d];
  }

  public int classes() {
    return k;
  }

  @Override
  public int featureCount() {
    return d;
  }

  @Override
  public double baseLearningRate() {
    return optimizer.baseLearningRate();
  }

  @Override
  public StepResult learn(MicroBatch batch, double learningRateMultiplier) {
    checkBatch(batch);
    int n = batch.size();
    double rate = optimizer.baseLearningRate() * learningRateMultiplier;
    pass(batch, true);
    if (n == 0 || !(weightSum > 0)) {
      if (standardizer != null) {
        standardizer.discardBatch();
      }
      return new StepResult(n, weightSum, lossSum, correctSum, 0.0, 0.0, rate);
    }
    double meanGradSq = finishGradient();
    double scale = n / weightSum;
    double dataGradDotReg = 0;
    double regSq = 0;
    if (l2 > 0) {
      for (int j = 0; j < k * d; j++) {
        double r = l2 * theta[j];
        dataGradDotReg += (gradient[j] - r) * r;
        regSq += r * r;
      }
    }
    double meanExampleSq = scale * scale * weightedExampleGradientSquares / n + 2 * dataGradDotReg + regSq;
    optimizer.step(theta, gradient, rate);
    if (standardizer != null) {
      standardizer.commitBatch();
    }
    return new StepResult(n, weightSum, lossSum, correctSum, meanExampleSq, meanGradSq, rate);
  }

  private void pass(MicroBatch batch, boolean observe) {
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
    for (int i = 0; i < n; i++) {
      int off = i * d;
      double wi = sw[i];
      int label = (int) y[i];
      // the row at offset 0 of its own buffer keeps the loops below vectorizable (see Standardizer)
      double[] r = row;
      if (standardizer == null) {
        System.arraycopy(x, off, row, 0, d);
      } else if (observe) {
        standardizer.standardizeAndObserve(x, off, wi, row, 0);
      } else {
        standardizer.standardize(x, off, row, 0);
      }
      double sq = dot(row, 0, row, 0, d);
      int best = 0;
      for (int c = 0; c < k; c++) {
        double z = w[biasOff + c] + dot(w, c * d, r, 0, d);
        logits[c] = z;
        if (z > logits[best]) {
          best = c;
        }
      }
      double l = crossEntropy.lossAndDelta(logits, 0, k, label, delta, 0);
      wSum += wi;
      lSum += wi * l;
      if (best == label) {
        correct += wi;
      }
      double deltaSq = 0;
      for (int c = 0; c < k; c++) {
        double e = wi * delta[c];
        deltaSq += e * e;
        DenseKernels.axpy(e, r, classGradient[c], d);
        g[biasOff + c] += e;
      }
      exampleSq += deltaSq * (sq + 1);
    }
    for (int c = 0; c < k; c++) {
      System.arraycopy(classGradient[c], 0, g, c * d, d);
    }
    weightSum = wSum;
    lossSum = lSum;
    correctSum = correct;
    weightedExampleGradientSquares = exampleSq;
  }

  private static double dot(double[] a, int aOff, double[] b, int bOff, int n) {
    return DenseKernels.dot(a, aOff, b, bOff, n);
  }

  private double finishGradient() {
    double inv = 1.0 / weightSum;
    int weights = k * d;
    double sq = 0;
    for (int j = 0; j < theta.length; j++) {
      double gj = gradient[j] * inv + (j < weights ? l2 * theta[j] : 0.0);
      gradient[j] = gj;
      sq += gj * gj;
    }
    return sq;
  }

  private double penalty() {
    if (l2 == 0) {
      return 0;
    }
    return 0.5 * l2 * dot(theta, 0, theta, 0, k * d);
  }

  private void checkBatch(MicroBatch batch) {
    if (batch.featureCount() != d) {
      throw new IllegalArgumentException("batch has " + batch.featureCount() + " features, model " + d);
    }
  }

  @Override
  public double[] predict(double[] features) {
    if (features.length != d) {
      throw new IllegalArgumentException("expected " + d + " features, got " + features.length);
    }
    double[] s = features;
    if (standardizer != null) {
      s = new double[d];
      standardizer.standardize(features, 0, s, 0);
    }
    double[] z = new double[k];
    for (int c = 0; c < k; c++) {
      z[c] = theta[k * d + c] + dot(theta, c * d, s, 0, d);
    }
    double[] p = new double[k];
    crossEntropy.softmax(z, 0, k, p, 0);
    return p;
  }

  @Override
  public int parameterCount() {
    return theta.length;
  }

  @Override
  public double[] parameters() {
    return theta.clone();
  }

  @Override
  public void setParameters(double[] parameters) {
    if (parameters.length != theta.length) {
      throw new IllegalArgumentException("expected " + theta.length + " parameters, got " + parameters.length);
    }
    System.arraycopy(parameters, 0, theta, 0, theta.length);
  }

  @Override
  public double objective(MicroBatch batch) {
    checkBatch(batch);
    pass(batch, false);
    return lossSum / weightSum + penalty();
  }

  @Override
  public double gradient(MicroBatch batch, double[] out) {
    checkBatch(batch);
    pass(batch, false);
    finishGradient();
    System.arraycopy(gradient, 0, out, 0, theta.length);
    return lossSum / weightSum + penalty();
  }

  @Override
  public ModelState exportState() {
    return new ModelState(spec, "softmax", d, k, List.of(new LayerShape(d, k, "softmax")), SoftmaxCrossEntropy.NAME,
        theta.clone(), optimizer.spec(), optimizer.steps(), optimizer.exportState(),
        standardizer == null ? null : standardizer.exportState());
  }

  void importState(ModelState state) {
    setParameters(state.parameters());
    optimizer.importState(state.optimizerSteps(), state.optimizerState());
  }
}
