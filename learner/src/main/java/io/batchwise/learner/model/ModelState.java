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
    /** No example yet, over {@code featureCount} features. */
    public static Standardization empty(int featureCount) {
      return new Standardization(0, new double[featureCount], new double[featureCount]);
    }

    /**
     * The statistics of these examples and {@code other}'s together: the pairwise update of Chan, Golub and
     * LeVeque (1979), mean = mean_a + delta n_b / n and m2 = m2_a + m2_b + delta^2 n_a n_b / n with
     * delta = mean_b - mean_a.
     */
    public Standardization plus(Standardization other) {
      if (!(other.count > 0)) {
        return this;
      }
      if (!(count > 0)) {
        return other;
      }
      double n = count + other.count;
      double share = other.count / n;
      double cross = count * other.count / n;
      double[] mu = new double[mean.length];
      double[] sq = new double[mean.length];
      for (int j = 0; j < mu.length; j++) {
        double delta = other.mean[j] - mean[j];
        mu[j] = mean[j] + delta * share;
        sq[j] = m2[j] + other.m2[j] + delta * delta * cross;
      }
      return new Standardization(n, mu, sq);
    }

    /**
     * The statistics of the examples these include beyond {@code base}'s, where these are {@code base}'s and more
     * folded in ({@link #plus} solved for the examples added): empty when there are none.
     */
    public Standardization minus(Standardization base) {
      double added = count - base.count;
      if (!(added > 0)) {
        return empty(mean.length);
      }
      if (!(base.count > 0)) {
        return this;
      }
      double growth = count / added;
      double cross = base.count * added / count;
      double[] mu = new double[mean.length];
      double[] sq = new double[mean.length];
      for (int j = 0; j < mu.length; j++) {
        double delta = (mean[j] - base.mean[j]) * growth;
        mu[j] = base.mean[j] + delta;
        sq[j] = Math.max(0.0, m2[j] - base.m2[j] - delta * delta * cross);
      }
      return new Standardization(added, mu, sq);
    }
  }
}
