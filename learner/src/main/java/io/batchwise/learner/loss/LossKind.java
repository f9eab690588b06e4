package io.batchwise.learner.loss;

import java.util.Locale;

/** The losses the models learn with, by the names specs and snapshots give them. */
public enum LossKind {
  /** Binary log loss on a sigmoid output; labels 0 or 1. */
  LOG("log"),
  /** K-class cross-entropy on a softmax output; labels are class indices. */
  CROSS_ENTROPY("cross-entropy"),
  /** Squared error of a regression output. */
  SQUARED("squared"),
  /** Huber loss of a regression output: squared near the label, linear beyond delta. */
  HUBER("huber");

  private final String schemaName;

  LossKind(String schemaName) {
    this.schemaName = schemaName;
  }

  /** As specs and snapshots write it: log, cross-entropy, squared or huber. */
  public String schemaName() {
    return schemaName;
  }

  public static LossKind of(String name) {
    for (LossKind kind : values()) {
      if (kind.schemaName.equals(name.strip().toLowerCase(Locale.ROOT))) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown loss '" + name + "' (known: log, cross-entropy, squared, huber)");
  }

  /** Why {@code label} is no target of this loss for a model of {@code outputs} outputs, or null when it is one. */
  public String labelProblem(double label, int outputs) {
    return switch (this) {
      case LOG -> label == 0.0 || label == 1.0 ? null : "label " + label + " is not 0 or 1";
      case CROSS_ENTROPY -> label == Math.rint(label) && label >= 0 && label < outputs ? null
          : "label " + label + " is not a class index in [0, " + outputs + ")";
      case SQUARED, HUBER -> null;
    };
  }
}
