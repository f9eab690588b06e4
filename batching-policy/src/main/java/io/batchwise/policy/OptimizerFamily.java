package io.batchwise.policy;

import java.util.Locale;

/**
 * The optimizer families the learner implements, and what goodput's defaults take from each: the learning-rate
 * coupling (the sqrt rule for adaptive optimizers, whose per-coordinate scaling already absorbs part of the noise;
 * none for FTRL, whose per-coordinate rates are not tuned to a batch size; AdaScale for SGD and momentum) and the
 * batch size their usual learning rates are tuned for (Keras' Adam rate goes with batches of 32; online learners'
 * SGD, AdaGrad and FTRL rates are per example, as in River and Vowpal Wabbit).
 */
public enum OptimizerFamily {
  SGD(LearningRateCoupling.ADASCALE, 1),
  MOMENTUM(LearningRateCoupling.ADASCALE, 1),
  ADAM(LearningRateCoupling.SQRT, 32),
  ADAGRAD(LearningRateCoupling.SQRT, 1),
  FTRL(LearningRateCoupling.NONE, 1);

  private final LearningRateCoupling coupling;
  private final double baseBatch;

  OptimizerFamily(LearningRateCoupling coupling, double baseBatch) {
    this.coupling = coupling;
    this.baseBatch = baseBatch;
  }

  /** The family of an optimizer spec such as {@code sgd:0.1} or {@code adam:0.001}; SGD when none is given. */
  public static OptimizerFamily of(String optimizerSpec) {
    if (optimizerSpec == null || optimizerSpec.isBlank()) {
      return SGD;
    }
    String name = optimizerSpec.strip();
    int colon = name.indexOf(':');
    name = colon >= 0 ? name.substring(0, colon) : name;
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown optimizer '" + name + "' (known: sgd, momentum, adam, adagrad, ftrl)");
    }
  }

  public LearningRateCoupling coupling() {
    return coupling;
  }

  public double baseBatch() {
    return baseBatch;
  }

  /** As a spec writes it: {@code sgd}, {@code adam}, ... */
  public String specName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
