package io.batchwise.ingest.synthetic;

import java.time.Instant;
import java.util.Random;

/**
 * A fixed linear concept through the origin with label noise: {@code w ~ N(0, I)}, {@code x ~ N(0, I)}, label
 * 1 when {@code w.x > 0}, flipped with probability {@code noise}. The Bayes error is exactly {@code noise}, so
 * a logistic learner's accuracy should approach {@code 1 - noise}.
 *
 * <p>With {@code every > 0} the concept is redrawn after every {@code every} examples: abrupt drift (the
 * {@code abrupt} stream). The first concept and all features and flips depend only on the seed, so streams
 * that differ only in {@code every} or {@code noise} can be compared example by example.
 */
final class SeparableStream extends GeneratedStream {
  private final double[] weights;
  private final double noise;
  private final long every;
  private final Random concept;
  private final Random features;
  private final Random flips;
  private long drawn;

  SeparableStream(StreamSpec spec, String modelId, long seed, long n, int d, Instant anchor, ArrivalTimes arrivals,
      double noise, long every) {
    super(spec, modelId, seed, n, d, anchor, arrivals);
    this.concept = random(seed, 0);
    this.features = random(seed, 1);
    this.flips = random(seed, 2);
    this.noise = noise;
    this.every = every;
    this.weights = new double[d];
    redrawConcept();
  }

  private void redrawConcept() {
    for (int i = 0; i < weights.length; i++) {
      weights[i] = concept.nextGaussian();
    }
  }

  @Override
  double draw(double[] x) {
    if (every > 0 && drawn > 0 && drawn % every == 0) {
      redrawConcept();
    }
    drawn++;
    double dot = 0;
    for (int i = 0; i < x.length; i++) {
      x[i] = features.nextGaussian();
      dot += weights[i] * x[i];
    }
    double label = dot > 0 ? 1.0 : 0.0;
    return flips.nextDouble() < noise ? 1.0 - label : label;
  }
}
