package io.batchwise.learner.model;

import io.batchwise.learner.loss.LossKind;
import java.util.List;

/**
 * Everything needed to score exactly as the learner does and to resume learning: architecture,
 * parameters, optimizer slots and the feature standardizer.
 *
 * @param spec           the model spec it was built from, e.g. {@code logistic} or {@code mlp:128,64}
 * @param kind           logistic, linear, softmax or mlp
 * @param featureCount   input dimension d
 * @param outputCount    1 for binary and regression, K for K classes
 * @param layers         dense layers in order; parameters are laid out layer by layer
 * @param loss           the loss the model learns with
 * @param parameters     all weights and biases
 * @param optimizerSpec  e.g. {@code sgd:0.1}
 * @param optimizerSteps steps the optimizer has taken
 * @param optimizerState optimizer slots in the optimizer's own order
 * @param standardizer   running feature statistics, or null when standardization is off
 */
public record ModelState(
    String spec,
    String kind,
    int featureCount,
    int outputCount,
    List<Layer> layers,
    LossKind loss,
    double[] parameters,
    String optimizerSpec,
    long optimizerSteps,
    double[] optimizerState,
    Standardization standardizer) {

  /** Welford running statistics: variance = m2 / count. */
  public record Standardization(double count, double[] mean, double[] m2) {
  }
}
