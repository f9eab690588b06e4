package io.batchwise.learner.optim;

/**
 * Adam (Kingma and Ba 2015, Algorithm 1): {@code m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
 * theta -= lr * mhat / (sqrt(vhat) + eps)} with bias-corrected {@code mhat, vhat}. Computed in the
 * equivalent form of the paper's section 2 (step size and epsilon folded into the correction) so
 * the loop has one square root and one division per parameter. Slots: m, then v.
 */
public final class Adam extends SlottedOptimizer {
  /** Default learning rate (Keras' and PyTorch's). */
  public static final double DEFAULT_LEARNING_RATE = 0.001;
  /** Default first-moment decay. */
  public static final double DEFAULT_BETA1 = 0.9;
  /** Default second-moment decay. */
  public static final double DEFAULT_BETA2 = 0.999;
  /** Default epsilon. */
  public static final double DEFAULT_EPSILON = 1e-8;
  private final double learningRate;
  private final double beta1;
  private final double beta2;
  private final double epsilon;

  public Adam(double learningRate) {
    this(learningRate, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON);
  }

  public Adam(double learningRate, double beta1, double beta2, double epsilon) {
    super(2);
    this.learningRate = Optimizer.require(learningRate > 0, learningRate, "adam learning rate");
    this.beta1 = Optimizer.require(beta1 >= 0 && beta1 < 1, beta1, "adam beta1");
    this.beta2 = Optimizer.require(beta2 >= 0 && beta2 < 1, beta2, "adam beta2");
    this.epsilon = Optimizer.require(epsilon >= 0, epsilon, "adam epsilon");
  }

  @Override
  public void step(double[] parameters, double[] gradient, double rate) {
    int n = parameters.length;
    bind(n, gradient.length);
    steps++;
    double c1 = 1 - Math.pow(beta1, steps);
    double c2 = Math.sqrt(1 - Math.pow(beta2, steps));
    double stepSize = rate * c2 / c1;
    double eps = epsilon * c2;
    double[] first = slots[0];
    double[] second = slots[1];
    double a1 = 1 - beta1;
    double a2 = 1 - beta2;
    for (int j = 0; j < n; j++) {
      double g = gradient[j];
      double m = beta1 * first[j] + a1 * g;
      double v = beta2 * second[j] + a2 * g * g;
      first[j] = m;
      second[j] = v;
      parameters[j] -= stepSize * m / (Math.sqrt(v) + eps);
    }
  }

  @Override
  public void step(float[] parameters, float[] gradient, double rate) {
    int n = parameters.length;
    bindFloat32(n, gradient.length);
    steps++;
    double c1 = 1 - Math.pow(beta1, steps);
    double c2 = Math.sqrt(1 - Math.pow(beta2, steps));
    float stepSize = (float) (rate * c2 / c1);
    float eps = (float) (epsilon * c2);
    float[] first = floatSlots[0];
    float[] second = floatSlots[1];
    float b1 = (float) beta1;
    float b2 = (float) beta2;
    float a1 = (float) (1 - beta1);
    float a2 = (float) (1 - beta2);
    for (int j = 0; j < n; j++) {
      float g = gradient[j];
      float m = b1 * first[j] + a1 * g;
      float v = b2 * second[j] + a2 * g * g;
      first[j] = m;
      second[j] = v;
      parameters[j] -= stepSize * m / ((float) Math.sqrt(v) + eps);
    }
  }

  @Override
  public double baseLearningRate() {
    return learningRate;
  }

  @Override
  public String spec() {
    return "adam:" + format(learningRate) + "," + format(beta1) + "," + format(beta2) + "," + format(epsilon);
  }
}
