package io.batchwise.learner.model;

import io.batchwise.learner.optim.Optimizer;

/**
 * A model kind another module provides, found with {@link java.util.ServiceLoader}: the mlp needs ND4J and its
 * native libraries, so it lives in batchwise-learner-nd4j and the linear models need neither. A provider names
 * its class in {@code META-INF/services/io.batchwise.learner.model.ModelKind}.
 */
public interface ModelKind {
  /** The kind's name, the first section of its specs, e.g. {@code mlp}. */
  String name();

  /** A new model built from its spec; {@code config} already holds the spec's options. */
  OnlineModel create(ModelSpec spec, ModelConfig config, int featureCount, Optimizer optimizer,
      Standardizer standardizer);

  /** A model with the parameters and optimizer slots of exported state. */
  OnlineModel restore(ModelSpec spec, ModelConfig config, ModelState state, Optimizer optimizer,
      Standardizer standardizer);
}
