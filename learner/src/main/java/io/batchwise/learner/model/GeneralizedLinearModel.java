package io.batchwise.learner.model;

import io.batchwise.learner.loss.ScalarLoss;
import io.batchwise.learner.optim.Optimizer;
import java.util.Arrays;
import java.util.List;

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
public class GeneralizedLinearModel implements DifferentiableModel {
  private final String spec;
  private final String kind;
  private final ScalarLoss loss;
  private final Optimizer optimizer;
  private final Standardizer standardizer;
  private final double l2;
  private final int d;
  private final double[] theta;
  private final double[] gradient;
  private final double[] row;

  // results of the last pass
  private double weightSum;
  private double lossSum;
  private double correctSum;
  private double weightedExampleGradientSquares;

  /**
   * @param standardizer null for raw features
   * @param l2           L2 penalty on the weights (not the bias)
   */
  public GeneralizedLinearModel(String spec, String kind, int featureCount, ScalarLoss loss, Optimizer optimizer,
      Standardizer standardizer, double l2) {
    if (featureCount < 1) {
      throw new IllegalArgumentException("feature count must be at least 1, got " + featureCount);
    }
    if (standardizer != null && standardizer.featureCount() != featureCount) {
      throw new IllegalArgumentException("standardizer has " + standardizer.featureCount() + " features, model " + featureCount);
    }
    this.spec = spec;
    this.kind = kind;
    this.d = featureCount;
    this.loss = loss;
    this.optimizer = optimizer;
    this.standardizer = standardizer;
    this.l2 = l2;
    this.theta = new double[d + 1];
    this.gradient = new double[d + 1];
    this.row = new double[d];
  }

  public ScalarLoss loss() {
    return loss;
  }

  public Optimizer optimizer() {
    return optimizer;
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
      return new StepResult(n, weightSum, lossSum, loss.classifies() ? correctSum : Double.NaN, 0.0, 0.0, rate);
    }
    double meanGradSq = finishGradient();
    // per-example gradients h_i = (n w_i / W) g_i + l2 w, so that mean_i h_i is the gradient stepped on
    double scale = n / weightSum;
    double dataGradDotReg = 0;
    double regSq = 0;
    if (l2 > 0) {
      for (int j = 0; j < d; j++) {
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
    return new StepResult(n, weightSum, lossSum, loss.classifies() ? correctSum : Double.NaN,
        meanExampleSq, meanGradSq, rate);
  }

  /**
   * The fused pass: scores each example with the current weights and accumulates the weighted
   * gradient sum into {@link #gradient} (not yet divided by the weight sum).
   */
  private void pass(MicroBatch batch, boolean observe) {
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
      if (standardizer == null) {
        System.arraycopy(x, off, row, 0, d);
      } else if (observe) {
        standardizer.standardizeAndObserve(x, off, wi, row, 0);
      } else {
        standardizer.standardize(x, off, row, 0);
      }
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
      DenseKernels.axpy(we, r, g, d);
      biasGrad += we;
    }
    g[d] = biasGrad;
    weightSum = wSum;
    lossSum = lSum;
    correctSum = correct;
    weightedExampleGradientSquares = exampleSq;
  }

  private static double dot(double[] a, double[] b, int bOff, int n) {
    return DenseKernels.dot(a, 0, b, bOff, n);
  }

  /** Turns the summed gradient into the objective's gradient; returns its squared norm. */
  private double finishGradient() {
    double inv = 1.0 / weightSum;
    double sq = 0;
    for (int j = 0; j <= d; j++) {
      double gj = gradient[j] * inv + (j < d ? l2 * theta[j] : 0.0);
      gradient[j] = gj;
      sq += gj * gj;
    }
    return sq;
  }

  private void checkBatch(MicroBatch batch) {
    if (batch.featureCount() != d) {
      throw new IllegalArgumentException("batch has " + batch.featureCount() + " features, model " + d);
    }
  }

  private double penalty() {
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
    if (features.length != d) {
      throw new IllegalArgumentException("expected " + d + " features, got " + features.length);
    }
    double[] s = features;
    if (standardizer != null) {
      s = new double[d];
      standardizer.standardize(features, 0, s, 0);
    }
    return new double[] {loss.output(theta[d] + dot(theta, s, 0, d))};
  }

  @Override
  public int parameterCount() {
    return d + 1;
  }

  @Override
  public double[] parameters() {
    return theta.clone();
  }

  @Override
  public void setParameters(double[] parameters) {
    if (parameters.length != d + 1) {
      throw new IllegalArgumentException("expected " + (d + 1) + " parameters, got " + parameters.length);
    }
    System.arraycopy(parameters, 0, theta, 0, d + 1);
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
    System.arraycopy(gradient, 0, out, 0, d + 1);
    return lossSum / weightSum + penalty();
  }

  @Override
  public ModelState exportState() {
    String activation = loss.classifies() ? "sigmoid" : "identity";
    return new ModelState(spec, kind, d, 1, List.of(new LayerShape(d, 1, activation)), loss.name(),
        theta.clone(), optimizer.spec(), optimizer.steps(), optimizer.exportState(),
        standardizer == null ? null : standardizer.exportState());
  }

  /** Loads exported parameters and optimizer slots into this freshly built model. */
  void importState(ModelState state) {
    setParameters(state.parameters());
    optimizer.importState(state.optimizerSteps(), state.optimizerState());
  }
}
