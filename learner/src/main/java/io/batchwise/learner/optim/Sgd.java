package io.batchwise.learner.optim;

/** Plain stochastic gradient descent: {@code theta -= lr * g}. No slots. */
public final class Sgd extends SlottedOptimizer {
  /** Default learning rate (the spec {@code sgd}). */
  public static final double DEFAULT_LEARNING_RATE = 0.01;
  private final double learningRate;

  public Sgd(double learningRate) {
    super(0);
    this.learningRate = Optimizer.require(learningRate > 0, learningRate, "sgd learning rate");
  }

  @Override
  public void step(double[] parameters, double[] gradient, double rate, int batchSize) {
    bind(parameters.length, gradient.length);
    for (int j = 0; j < parameters.length; j++) {
      parameters[j] -= rate * gradient[j];
    }
    steps++;
  }

  @Override
  public void step(float[] parameters, float[] gradient, double rate, int batchSize) {
    bindFloat32(parameters.length, gradient.length);
    float r = (float) rate;
    for (int j = 0; j < parameters.length; j++) {
      parameters[j] -= r * gradient[j];
    }
    steps++;
  }

  @Override
  public double stepScale() {
    return 1.0;
  }

  @Override
  public double baseLearningRate() {
    return learningRate;
  }

  @Override
  public String spec() {
    return "sgd:" + format(learningRate);
  }
}
