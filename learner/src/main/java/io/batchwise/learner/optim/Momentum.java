package io.batchwise.learner.optim;

/**
 * SGD with heavy-ball momentum in the PyTorch form: {@code v = mu * v + g; theta -= lr * v}.
 * Slot: the velocity v.
 */
public final class Momentum extends SlottedOptimizer {
  /** Default learning rate. */
  public static final double DEFAULT_LEARNING_RATE = 0.01;
  /** Default momentum coefficient mu. */
  public static final double DEFAULT_MOMENTUM = 0.9;
  private final double learningRate;
  private final double mu;

  public Momentum(double learningRate, double mu) {
    super(1);
    this.learningRate = Optimizer.require(learningRate > 0, learningRate, "momentum learning rate");
    this.mu = Optimizer.require(mu >= 0 && mu < 1, mu, "momentum coefficient");
  }

  @Override
  public void step(double[] parameters, double[] gradient, double rate, int batchSize) {
    bind(parameters.length, gradient.length);
    double[] v = slots[0];
    for (int j = 0; j < parameters.length; j++) {
      double vj = mu * v[j] + gradient[j];
      v[j] = vj;
      parameters[j] -= rate * vj;
    }
    steps++;
  }

  @Override
  public void step(float[] parameters, float[] gradient, double rate, int batchSize) {
    bindFloat32(parameters.length, gradient.length);
    float[] v = floatSlots[0];
    float muF = (float) mu;
    float r = (float) rate;
    for (int j = 0; j < parameters.length; j++) {
      float vj = muF * v[j] + gradient[j];
      v[j] = vj;
      parameters[j] -= r * vj;
    }
    steps++;
  }

  /** A constant gradient makes the velocity g / (1 - mu). */
  @Override
  public double stepScale() {
    return 1.0 / (1.0 - mu);
  }

  @Override
  public double baseLearningRate() {
    return learningRate;
  }

  @Override
  public String spec() {
    return "momentum:" + format(learningRate) + "," + format(mu);
  }
}
