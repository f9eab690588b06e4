package io.batchwise.ingest.synthetic;

import java.time.Instant;
import java.util.Random;

/**
 * Rotating hyperplane with gradual drift (Hulten, Spencer and Domingos 2001, "Mining time-changing data
 * streams"; as MOA's HyperplaneGenerator): {@code x ~ U[0,1]^d}, label 1 when {@code sum w_i x_i >= w_0} with
 * {@code w_0 = (1/2) sum w_i}, flipped with probability {@code noise}. After each example the first
 * {@code k} weights move by {@code sigma_i * drift}, and each direction {@code sigma_i} reverses with
 * probability {@code reversal}: the boundary keeps turning, so a learner must keep adapting.
 *
 * <p>Concept, features and noise come from separate generators of the one seed, so the same seed with
 * {@code drift=0} yields the same features and the initial concept throughout.
 */
final class HyperplaneStream extends GeneratedStream {
  private final double[] weights;
  private final double[] sigma;
  private final double drift;
  private final double reversal;
  private final double noise;
  private final int driftFeatures;
  private final Random concept;
  private final Random features;
  private final Random flips;

  HyperplaneStream(StreamSpec spec, String modelId, long seed, long n, int d, Instant anchor, ArrivalTimes arrivals,
      double noise, double drift, int driftFeatures, double reversal) {
    super(spec, modelId, seed, n, d, anchor, arrivals);
    this.concept = random(seed, 0);
    this.features = random(seed, 1);
    this.flips = random(seed, 2);
    this.noise = noise;
    this.drift = drift;
    this.reversal = reversal;
    this.driftFeatures = driftFeatures;
    this.weights = new double[d];
    this.sigma = new double[d];
    for (int i = 0; i < d; i++) {
      weights[i] = concept.nextDouble();
      sigma[i] = i < driftFeatures ? 1.0 : 0.0;
    }
  }

  @Override
  double draw(double[] x) {
    double sum = 0;
    double threshold = 0;
    for (int i = 0; i < x.length; i++) {
      x[i] = features.nextDouble();
      sum += weights[i] * x[i];
      threshold += weights[i];
    }
    double label = sum >= 0.5 * threshold ? 1.0 : 0.0;
    if (flips.nextDouble() < noise) {
      label = 1.0 - label;
    }
    for (int i = 0; i < driftFeatures; i++) {
      weights[i] += sigma[i] * drift;
      if (concept.nextDouble() < reversal) {
        sigma[i] = -sigma[i];
      }
    }
    return label;
  }

  /** A copy of the current weights (tests watch the boundary move). */
  double[] weights() {
    return weights.clone();
  }
}
