package io.batchwise.learner.model;

/** Builds models from their spec strings, and restores them from exported state. */
public final class ModelFactory {
  private ModelFactory() {
  }

  public static OnlineModel create(String modelSpec, int featureCount) {
    switch (modelSpec.strip()) {
      case "logistic":
        return new LogisticRegression(featureCount, 0.5);
      default:
        throw new IllegalArgumentException("unknown model kind '" + modelSpec + "' (known: logistic)");
    }
  }

  public static OnlineModel restore(ModelState state) {
    if ("logistic".equals(state.kind())) {
      return LogisticRegression.restore(state);
    }
    throw new IllegalArgumentException("cannot restore model kind '" + state.kind() + "'");
  }
}
