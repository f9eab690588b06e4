package io.batchwise.learner.optim;

import java.util.Locale;

/**
 * A first-order optimizer over a flat parameter vector. Models compute the gradient of their
 * objective (mean loss over the batch plus L2) and hand it over; the optimizer owns its slots
 * (momentum, moments, accumulators) and its step count, which {@link #exportState()} and
 * {@link #importState(long, double[])} carry through model snapshots.
 *
 * <p>Slots are allocated on the first step, sized to the parameter vector, so one optimizer
 * object can be built from a spec before the model size is known. Not thread-safe.
 */
public interface Optimizer {

  /**
   * One step: updates {@code parameters} in place from {@code gradient} (same length).
   *
   * @param learningRate the base rate times the batching policy's multiplier
   * @param batchSize the examples {@code gradient} averages (the batch size B); the batching policy may change it
   *     from step to step, and an optimizer whose state depends on it (Adam's second moment) keeps that consistent
   */
  void step(double[] parameters, double[] gradient, double learningRate, int batchSize);

  /**
   * The same step on float32 parameters and gradient, for a model that keeps its master weights in the precision it
   * computes in. By default through float64 copies; the optimizers an MLP uses override it with a float32 loop of
   * their own (slots in float32 too), which saves converting and copying the parameters on every step. An optimizer
   * steps parameters of one precision only.
   */
  default void step(float[] parameters, float[] gradient, double learningRate, int batchSize) {
    double[] p = new double[parameters.length];
    double[] g = new double[gradient.length];
    for (int j = 0; j < p.length; j++) {
      p[j] = parameters[j];
    }
    for (int j = 0; j < g.length; j++) {
      g[j] = gradient[j];
    }
    step(p, g, learningRate, batchSize);
    for (int j = 0; j < p.length; j++) {
      parameters[j] = (float) p[j];
    }
  }

  /**
   * How far a step moves per unit of learning rate and of gradient, once a constant gradient has been
   * followed for a while: 1 for SGD, 1 / (1 - mu) for momentum. NaN for optimizers whose step is not a
   * multiple of the gradient (Adam, AdaGrad, FTRL rescale each coordinate), where the curvature along
   * the gradient says nothing about the step.
   */
  default double stepScale() {
    return Double.NaN;
  }

  /** The learning rate of the spec (for FTRL its alpha). */
  double baseLearningRate();

  /** The canonical spec this optimizer parses back from, e.g. {@code adam:0.001,0.9,0.999,1e-08}. */
  String spec();

  /** Steps taken since creation or since the imported state. */
  long steps();

  /** A copy of the slots in this optimizer's own order; empty before the first step. */
  double[] exportState();

  /** Restores slots and step count exported by an optimizer of the same spec; empty slots mean fresh. */
  void importState(long steps, double[] state);

  /**
   * Parses an optimizer spec. Missing trailing values take the documented defaults of each class:
   * <ul>
   *   <li>{@code sgd[:lr]} ({@link Sgd}, lr 0.01)</li>
   *   <li>{@code momentum[:lr[,mu]]} ({@link Momentum}, lr 0.01, mu 0.9)</li>
   *   <li>{@code adam[:lr[,beta1[,beta2[,eps]]]]} ({@link Adam}, 0.001, 0.9, 0.999, 1e-8)</li>
   *   <li>{@code adagrad[:lr[,eps]]} ({@link AdaGrad}, lr 0.1, eps 1e-10)</li>
   *   <li>{@code ftrl[:alpha[,beta[,l1[,l2]]]]} ({@link Ftrl}, 0.1, 1, 0, 0)</li>
   * </ul>
   */
  static Optimizer parse(String spec) {
    String s = spec.strip().toLowerCase(Locale.ROOT);
    int colon = s.indexOf(':');
    String kind = colon < 0 ? s : s.substring(0, colon);
    double[] v = colon < 0 || colon == s.length() - 1 ? new double[0] : numbers(s.substring(colon + 1), spec);
    switch (kind) {
      case "sgd":
        arity(spec, v, 1);
        return new Sgd(at(v, 0, Sgd.DEFAULT_LEARNING_RATE));
      case "momentum":
        arity(spec, v, 2);
        return new Momentum(at(v, 0, Momentum.DEFAULT_LEARNING_RATE), at(v, 1, Momentum.DEFAULT_MOMENTUM));
      case "adam":
        arity(spec, v, 4);
        return new Adam(at(v, 0, Adam.DEFAULT_LEARNING_RATE), at(v, 1, Adam.DEFAULT_BETA1),
            at(v, 2, Adam.DEFAULT_BETA2), at(v, 3, Adam.DEFAULT_EPSILON));
      case "adagrad":
        arity(spec, v, 2);
        return new AdaGrad(at(v, 0, AdaGrad.DEFAULT_LEARNING_RATE), at(v, 1, AdaGrad.DEFAULT_EPSILON));
      case "ftrl":
        arity(spec, v, 4);
        return new Ftrl(at(v, 0, Ftrl.DEFAULT_ALPHA), at(v, 1, Ftrl.DEFAULT_BETA), at(v, 2, 0.0), at(v, 3, 0.0));
      default:
        throw new IllegalArgumentException(
            "unknown optimizer '" + spec + "' (known: sgd, momentum, adam, adagrad, ftrl)");
    }
  }

  private static double[] numbers(String list, String spec) {
    String[] parts = list.split(",");
    double[] v = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        v[i] = Double.parseDouble(parts[i].strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("optimizer spec '" + spec + "': '" + parts[i] + "' is not a number", e);
      }
    }
    return v;
  }

  private static void arity(String spec, double[] v, int max) {
    if (v.length > max) {
      throw new IllegalArgumentException("optimizer spec '" + spec + "' takes at most " + max + " values");
    }
  }

  private static double at(double[] v, int i, double fallback) {
    return i < v.length ? v[i] : fallback;
  }

  /** Checks a hyperparameter and returns it. */
  static double require(boolean ok, double value, String what) {
    if (!ok || Double.isNaN(value)) {
      throw new IllegalArgumentException(what + " out of range: " + value);
    }
    return value;
  }
}
