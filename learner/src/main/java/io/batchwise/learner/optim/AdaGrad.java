package io.batchwise.learner.optim;

/**
 * AdaGrad (Duchi, Hazan and Singer 2011), diagonal form: {@code G += g^2; theta -= lr * g / (sqrt(G) + eps)}.
 * Slot: the accumulated squared gradients G.
 */
public final class AdaGrad extends SlottedOptimizer {
  /** Default learning rate. */
  public static final double DEFAULT_LEARNING_RATE = 0.1;
  /** Default epsilon (PyTorch's). */
  public static final double DEFAULT_EPSILON = 1e-10;
  private final double learningRate;
  private final double epsilon;

  public AdaGrad(double learningRate, double epsilon) {
    super(1);
    this.learningRate = Optimizer.require(learningRate > 0, learningRate, "adagrad learning rate");
    this.epsilon = Optimizer.require(epsilon >= 0, epsilon, "adagrad epsilon");
  }

  @Override
  public void step(double[] parameters, double[] gradient, double rate, int batchSize) {
    bind(parameters.length, gradient.length);
    double[] acc = slots[0];
    for (int j = 0; j < parameters.length; j++) {
      double g = gradient[j];
      double a = acc[j] + g * g;
      acc[j] = a;
      parameters[j] -= rate * g / (Math.sqrt(a) + epsilon);
    }
    steps++;
  }

  @Override
  public void step(float[] parameters, float[] gradient, double rate, int batchSize) {
    bindFloat32(parameters.length, gradient.length);
    float[] acc = floatSlots[0];
    float r = (float) rate;
    float eps = (float) epsilon;
    for (int j = 0; j < parameters.length; j++) {
      float g = gradient[j];
      float a = acc[j] + g * g;
      acc[j] = a;
      parameters[j] -= r * g / ((float) Math.sqrt(a) + eps);
    }
    steps++;
  }

  @Override
  public double baseLearningRate() {
    return learningRate;
  }

  @Override
  public String spec() {
    return "adagrad:" + format(learningRate) + "," + format(epsilon);
  }
}
