package io.batchwise.learner.model;

/**
 * A model whose objective on a batch can be evaluated and differentiated without learning from it,
 * with the feature statistics held fixed. This is what gradient checks and cross-checks between
 * implementations need; {@link OnlineModel#learn} uses the same kernels.
 *
 * <p>The objective is the weighted mean loss {@code sum_i w_i l_i / sum_i w_i} plus
 * {@code l2/2 |W|^2} over weights (not biases).
 */
public interface DifferentiableModel extends OnlineModel {
  int parameterCount();

  /** A copy of all parameters, laid out as {@link ModelState#parameters()}. */
  double[] parameters();

  /** Replaces all parameters. */
  void setParameters(double[] parameters);

  /**
   * Replaces the feature statistics the model standardizes with (of the same feature count), keeping the
   * optimizer's slots; a model without standardization ignores them.
   */
  void setStandardizer(ModelState.Standardization state);

  /** The objective on {@code batch} at the current parameters. */
  double objective(MicroBatch batch);

  /** Writes the gradient of {@link #objective} into {@code gradient}; returns the objective. */
  double gradient(MicroBatch batch, double[] gradient);
}
