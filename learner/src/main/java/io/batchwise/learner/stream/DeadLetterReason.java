package io.batchwise.learner.stream;

/**
 * Why an input went to the dead-letter topic, as one of a few classes: a metric label must take a bounded set of
 * values, while the reason a dead letter carries names the feature, the value and the model's expectations.
 */
enum DeadLetterReason {
  /** Not a {@code LabelledEvent} in the expected encoding, or no value at all. */
  UNDECODABLE("undecodable"),
  /** No features, or not as many as the model has (dense count, sparse size or index). */
  FEATURE_COUNT("feature-count"),
  /** A feature that is NaN or infinite. */
  NON_FINITE("non-finite"),
  /** A label the model's loss cannot take: not finite, not 0 or 1, not a class index. */
  LABEL("label"),
  /** A negative or non-finite weight. */
  WEIGHT("weight"),
  /** No model can be made from the event: e.g. its snapshots would be larger than the topic accepts. */
  UNLEARNABLE("unlearnable"),
  /** A reason none of the above describes. */
  OTHER("other");

  private final String label;

  DeadLetterReason(String label) {
    this.label = label;
  }

  /** The class's name as a metric label value, e.g. {@code feature-count}. */
  String label() {
    return label;
  }

  /**
   * The class of a dead letter's reason, as the learner words it.
   *
   * @param learnable false when no model could be made for the event's model id
   */
  static DeadLetterReason of(String reason, boolean learnable) {
    if (reason.startsWith("undecodable") || reason.startsWith("empty value")) {
      return UNDECODABLE;
    }
    if (!learnable) {
      return UNLEARNABLE;
    }
    if (reason.startsWith("feature count") || reason.startsWith("sparse vector size")
        || reason.startsWith("sparse index") || reason.equals("no features")) {
      return FEATURE_COUNT;
    }
    if (reason.startsWith("feature ")) {
      return NON_FINITE;
    }
    if (reason.startsWith("label")) {
      return LABEL;
    }
    if (reason.startsWith("weight")) {
      return WEIGHT;
    }
    return OTHER;
  }
}
