package io.batchwise.learner.optim;

/**
 * FTRL-Proximal with per-coordinate learning rates (McMahan et al. 2013, "Ad Click Prediction: a View
 * from the Trenches", Algorithm 1), the optimizer behind Flink ML's online logistic regression.
 * Per coordinate: {@code sigma = (sqrt(n + g^2) - sqrt(n)) / alpha; z += g - sigma * w; n += g^2;
 * w = 0 if |z| <= l1, else -(z - sign(z) l1) / ((beta + sqrt(n)) / alpha + l2)}.
 * The weights are a function of the slots z and n, so a step overwrites the parameters. The
 * learning rate passed to {@link #step} plays alpha's role, which lets a batching policy scale it.
 * L1 and L2 apply to every coordinate, bias included. Slots: z, then n.
 */
public final class Ftrl extends SlottedOptimizer {
  /** Default alpha (per-coordinate learning rate scale). */
  public static final double DEFAULT_ALPHA = 0.1;
  /** Default beta (smoothing of the per-coordinate rate). */
  public static final double DEFAULT_BETA = 1.0;
  private final double alpha;
  private final double beta;
  private final double l1;
  private final double l2;

  public Ftrl(double alpha, double beta, double l1, double l2) {
    super(2);
    this.alpha = Optimizer.require(alpha > 0, alpha, "ftrl alpha");
    this.beta = Optimizer.require(beta >= 0, beta, "ftrl beta");
    this.l1 = Optimizer.require(l1 >= 0, l1, "ftrl l1");
    this.l2 = Optimizer.require(l2 >= 0, l2, "ftrl l2");
  }

  @Override
  public void step(double[] parameters, double[] gradient, double rate, int batchSize) {
    int d = parameters.length;
    bind(d, gradient.length);
    double[] zs = slots[0];
    double[] ns = slots[1];
    for (int j = 0; j < d; j++) {
      double g = gradient[j];
      double n = ns[j];
      double nNew = n + g * g;
      double sqrtNew = Math.sqrt(nNew);
      double sigma = (sqrtNew - Math.sqrt(n)) / rate;
      double z = zs[j] + g - sigma * parameters[j];
      zs[j] = z;
      ns[j] = nNew;
      double absZ = Math.abs(z);
      parameters[j] = absZ <= l1 ? 0.0 : -(z - Math.signum(z) * l1) / ((beta + sqrtNew) / rate + l2);
    }
    steps++;
  }

  @Override
  public double baseLearningRate() {
    return alpha;
  }

  @Override
  public String spec() {
    return "ftrl:" + format(alpha) + "," + format(beta) + "," + format(l1) + "," + format(l2);
  }
}
