package io.batchwise.learner.nd4j;

import io.batchwise.learner.model.ModelConfig;
import io.batchwise.learner.model.ModelKind;
import io.batchwise.learner.model.ModelSpec;
import io.batchwise.learner.model.ModelState;
import io.batchwise.learner.model.OnlineModel;
import io.batchwise.learner.model.Standardizer;
import io.batchwise.learner.optim.Optimizer;

/** The {@code mlp} model kind: a {@link MultilayerPerceptron} on ND4J. */
public final class MultilayerPerceptronKind implements ModelKind {
  @Override
  public String name() {
    return "mlp";
  }

  @Override
  public OnlineModel create(ModelSpec spec, ModelConfig config, int featureCount, Optimizer optimizer,
      Standardizer standardizer) {
    return MultilayerPerceptron.fromSpec(spec, config, featureCount, optimizer, standardizer);
  }

  @Override
  public OnlineModel restore(ModelSpec spec, ModelConfig config, ModelState state, Optimizer optimizer,
      Standardizer standardizer) {
    MultilayerPerceptron model = MultilayerPerceptron.fromSpec(spec, config, state.featureCount(), optimizer,
        standardizer);
    model.importState(state);
    return model;
  }
}
