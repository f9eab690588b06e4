package io.batchwise.learner.optim;

/**
 * Adam (Kingma and Ba 2015, Algorithm 1): {@code m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
 * theta -= lr * mhat / (sqrt(vhat) + eps)} with bias-corrected {@code mhat, vhat}. Computed in the
 * equivalent form of the paper's section 2 (step size and epsilon folded into the correction) so
 * the loop has one square root and one division per parameter. Slots: m, then v; then one scalar, the moments' time.
 *
 * <p>Batch sizes that change from step to step (an adaptive batching policy) are taken as the square-root scaling
 * rule for adaptive optimizers takes a change of batch size by kappa (Malladi et al. 2022, "On the SDEs and
 * Scaling Rules for Adaptive Gradient Algorithms"): the rate by sqrt(kappa) and 1 - b1, 1 - b2 by kappa. A step
 * whose rate is r times the base rate (the policy's multiplier, sqrt(B/b0) by the sqrt coupling) advances the
 * moments by r^2 base steps, decaying them by b1^(r^2) and b2^(r^2), with the bias corrections over the summed time;
 * and v averages B g^2, the second moment per example, read back at the step's own B as v / B. With one batch size
 * and the base rate both reduce to Adam exactly (r = 1). Without them, a policy's mix of batch sizes made Adam
 * inconsistent: a few large-batch steps at the full rate multiplied a first moment gathered from single examples,
 * and single-example steps after large batches were normalized by a second moment of large-batch gradients (32x
 * smaller). docs/LEARNER.md says what that cost.
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
  /** The moments' time: the sum of r^2 over the steps taken, the steps themselves at the base rate. */
  private double time;
  /** This step's decays, the weights of its gradient, step size and epsilon, as {@link #advance} worked them out. */
  private double decay1;
  private double decay2;
  private double weight1;
  private double weight2;
  private double stepSize;
  private double eps;

  public Adam(double learningRate) {
    this(learningRate, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON);
  }

  public Adam(double learningRate, double beta1, double beta2, double epsilon) {
    super(2, 1);
    this.learningRate = Optimizer.require(learningRate > 0, learningRate, "adam learning rate");
    this.beta1 = Optimizer.require(beta1 >= 0 && beta1 < 1, beta1, "adam beta1");
    this.beta2 = Optimizer.require(beta2 >= 0 && beta2 < 1, beta2, "adam beta2");
    this.epsilon = Optimizer.require(epsilon >= 0, epsilon, "adam epsilon");
  }

  /**
   * Advances the moments' time by this step's r^2 and works out what the loop needs: with v the per-example second
   * moment, the step lr mhat / (sqrt(vhat / B) + eps) is lr sqrt(B) mhat / (sqrt(vhat) + eps sqrt(B)).
   */
  private void advance(double rate, int batchSize, boolean float32) {
    steps++;
    double r = rate / learningRate;
    double kappa = r * r;
    // a float32 optimizer's state is checkpointed in float32: a time it holds exactly resumes exactly
    time = float32 ? (float) (time + kappa) : time + kappa;
    decay1 = kappa == 1 ? beta1 : Math.pow(beta1, kappa);
    decay2 = kappa == 1 ? beta2 : Math.pow(beta2, kappa);
    double b = Math.max(1, batchSize);
    weight1 = 1 - decay1;
    weight2 = (1 - decay2) * b;
    double c1 = 1 - Math.pow(beta1, time);
    double c2 = Math.sqrt(1 - Math.pow(beta2, time));
    double rootB = Math.sqrt(b);
    stepSize = rate * rootB * c2 / c1;
    eps = epsilon * rootB * c2;
  }

  @Override
  public void step(double[] parameters, double[] gradient, double rate, int batchSize) {
    int n = parameters.length;
    bind(n, gradient.length);
    advance(rate, batchSize, false);
    double[] first = slots[0];
    double[] second = slots[1];
    double b1 = decay1;
    double b2 = decay2;
    double a1 = weight1;
    double a2 = weight2;
    double size = stepSize;
    double e = eps;
    for (int j = 0; j < n; j++) {
      double g = gradient[j];
      double m = b1 * first[j] + a1 * g;
      double v = b2 * second[j] + a2 * g * g;
      first[j] = m;
      second[j] = v;
      parameters[j] -= size * m / (Math.sqrt(v) + e);
    }
  }

  @Override
  public void step(float[] parameters, float[] gradient, double rate, int batchSize) {
    int n = parameters.length;
    bindFloat32(n, gradient.length);
    advance(rate, batchSize, true);
    float[] first = floatSlots[0];
    float[] second = floatSlots[1];
    float b1 = (float) decay1;
    float b2 = (float) decay2;
    float a1 = (float) weight1;
    float a2 = (float) weight2;
    float size = (float) stepSize;
    float e = (float) eps;
    for (int j = 0; j < n; j++) {
      float g = gradient[j];
      float m = b1 * first[j] + a1 * g;
      float v = b2 * second[j] + a2 * g * g;
      first[j] = m;
      second[j] = v;
      parameters[j] -= size * m / ((float) Math.sqrt(v) + e);
    }
  }

  @Override
  protected double[] exportScalars() {
    return new double[] {time};
  }

  /** A state from before the moments' time was kept: its steps were all at the base rate. */
  @Override
  protected void importScalars(double[] scalars) {
    time = scalars == null ? steps : scalars[0];
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
