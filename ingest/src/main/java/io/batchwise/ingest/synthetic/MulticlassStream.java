package io.batchwise.ingest.synthetic;

import java.time.Instant;
import java.util.Random;

/**
 * {@code k} Gaussian classes: centres {@code mu_j = sep * N(0, I)}, class {@code y} uniform in {@code [0, k)},
 * {@code x = mu_y + N(0, I)}; with probability {@code noise} the label is replaced by a uniformly chosen other
 * class. Equal covariances make the Bayes boundaries linear, so a softmax regression can reach the Bayes rate.
 * Labels are class indices {@code 0..k-1}.
 */
final class MulticlassStream extends GeneratedStream {
  private final double[][] centres;
  private final double noise;
  private final Random features;
  private final Random flips;

  MulticlassStream(StreamSpec spec, String modelId, long seed, long n, int d, Instant anchor, ArrivalTimes arrivals,
      double noise, int classes, double separation) {
    super(spec, modelId, seed, n, d, anchor, arrivals);
    Random concept = random(seed, 0);
    this.features = random(seed, 1);
    this.flips = random(seed, 2);
    this.noise = noise;
    this.centres = new double[classes][d];
    for (double[] centre : centres) {
      for (int i = 0; i < d; i++) {
        centre[i] = separation * concept.nextGaussian();
      }
    }
  }

  @Override
  double draw(double[] x) {
    int k = centres.length;
    int y = features.nextInt(k);
    for (int i = 0; i < x.length; i++) {
      x[i] = centres[y][i] + features.nextGaussian();
    }
    if (flips.nextDouble() < noise) {
      y = (y + 1 + flips.nextInt(k - 1)) % k;
    }
    return y;
  }

  /** A copy of the class centres (tests classify by the nearest one). */
  double[][] centres() {
    double[][] copy = new double[centres.length][];
    for (int j = 0; j < centres.length; j++) {
      copy[j] = centres[j].clone();
    }
    return copy;
  }
}
