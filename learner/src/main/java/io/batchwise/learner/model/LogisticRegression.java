package io.batchwise.learner.model;

import java.util.List;

/** Binary logistic regression, plain SGD, in one fused pass over the batch. */
public final class LogisticRegression implements OnlineModel {
  private static final double EPS = 1e-15;
  private final int d;
  private final double learningRate;
  private final double[] w; // d weights then the bias
  private final double[] grad;
  private long steps;

  public LogisticRegression(int featureCount, double learningRate) {
    this.d = featureCount;
    this.learningRate = learningRate;
    this.w = new double[d + 1];
    this.grad = new double[d + 1];
  }

  @Override
  public int featureCount() {
    return d;
  }

  @Override
  public double baseLearningRate() {
    return learningRate;
  }

  @Override
  public StepResult learn(MicroBatch batch, double learningRateMultiplier) {
    int n = batch.size();
    double[] x = batch.features();
    double[] y = batch.labels();
    double[] sw = batch.weights();
    java.util.Arrays.fill(grad, 0.0);
    double weightSum = 0;
    double lossSum = 0;
    double correct = 0;
    double exampleGradSq = 0;
    for (int i = 0; i < n; i++) {
      int off = i * d;
      double z = w[d];
      double xSq = 0;
      for (int j = 0; j < d; j++) {
        z += w[j] * x[off + j];
        xSq += x[off + j] * x[off + j];
      }
      double p = 1.0 / (1.0 + Math.exp(-z));
      double err = p - y[i];
      double wi = sw[i];
      weightSum += wi;
      lossSum -= wi * (y[i] * Math.log(Math.max(p, EPS)) + (1 - y[i]) * Math.log(Math.max(1 - p, EPS)));
      correct += ((p >= 0.5) == (y[i] >= 0.5)) ? wi : 0;
      exampleGradSq += err * err * (xSq + 1);
      for (int j = 0; j < d; j++) {
        grad[j] += wi * err * x[off + j];
      }
      grad[d] += wi * err;
    }
    double rate = learningRate * learningRateMultiplier;
    double meanGradSq = 0;
    for (int j = 0; j <= d; j++) {
      double g = grad[j] / Math.max(weightSum, EPS);
      meanGradSq += g * g;
      w[j] -= rate * g;
    }
    steps++;
    return new StepResult(n, weightSum, lossSum, correct, exampleGradSq / Math.max(n, 1), meanGradSq, rate);
  }

  @Override
  public double[] predict(double[] features) {
    double z = w[d];
    for (int j = 0; j < d; j++) {
      z += w[j] * features[j];
    }
    return new double[] {1.0 / (1.0 + Math.exp(-z))};
  }

  @Override
  public ModelState exportState() {
    return new ModelState("logistic", "logistic", d, 1, List.of(new LayerShape(d, 1, "sigmoid")), "log",
        w.clone(), "sgd:" + learningRate, steps, new double[0], null);
  }

  static LogisticRegression restore(ModelState state) {
    LogisticRegression model = new LogisticRegression(state.featureCount(),
        Double.parseDouble(state.optimizerSpec().substring("sgd:".length())));
    System.arraycopy(state.parameters(), 0, model.w, 0, model.w.length);
    model.steps = state.optimizerSteps();
    return model;
  }
}
