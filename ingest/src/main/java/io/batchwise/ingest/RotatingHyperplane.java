package io.batchwise.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.batchwise.schemas.DenseFeatures;
import io.batchwise.schemas.LabelledEvent;

/**
 * The rotating-hyperplane stream of gradual concept drift (Hulten, Spencer and Domingos 2001, as in
 * MOA's HyperplaneGenerator): x uniform in [0,1]^d, y = 1 when sum_j w_j x_j >= (1/2) sum_j w_j, a
 * fraction of labels flipped; after every example each weight moves by {@code drift} in its direction,
 * and each direction reverses with probability {@code reversal}.
 */
final class RotatingHyperplane implements EventSource {
  private final String spec;
  private final String modelId;
  private final long limit;
  private final double drift;
  private final double noise;
  private final double reversal;
  private final Random random;
  private final double[] weights;
  private final double[] directions;
  private long produced;

  RotatingHyperplane(String spec, String modelId, long seed, int features, long limit, double drift, double noise,
      double reversal) {
    this.spec = spec;
    this.modelId = modelId;
    this.limit = limit;
    this.drift = drift;
    this.noise = noise;
    this.reversal = reversal;
    this.random = new Random(seed);
    this.weights = new double[features];
    this.directions = new double[features];
    for (int j = 0; j < features; j++) {
      weights[j] = random.nextDouble();
      directions[j] = random.nextBoolean() ? 1 : -1;
    }
  }

  @Override
  public SourceRow next() {
    if (limit > 0 && produced >= limit) {
      return null;
    }
    int d = weights.length;
    List<Double> x = new ArrayList<>(d);
    double score = 0;
    double threshold = 0;
    for (int j = 0; j < d; j++) {
      double v = random.nextDouble();
      x.add(v);
      score += weights[j] * v;
      threshold += 0.5 * weights[j];
    }
    boolean positive = score >= threshold;
    if (random.nextDouble() < noise) {
      positive = !positive;
    }
    for (int j = 0; j < d; j++) {
      weights[j] += directions[j] * drift;
      if (random.nextDouble() < reversal) {
        directions[j] = -directions[j];
      }
    }
    produced++;
    LabelledEvent event = LabelledEvent.newBuilder()
        .setModelId(modelId)
        .setEventId(modelId + "-" + produced)
        .setEventTime(Instant.now())
        .setFeatures(new DenseFeatures(x))
        .setLabel(positive ? 1 : 0)
        .build();
    return new SourceRow.Valid(event, produced);
  }

  /** The current concept's weights (for tests: drift moves them). */
  double[] weights() {
    return weights.clone();
  }

  @Override
  public String description() {
    return spec;
  }

  @Override
  public void close() {
  }
}
