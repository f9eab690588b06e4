package io.batchwise.bench;

import java.util.SplittableRandom;

/**
 * The policy benchmark's scenarios as dense in-memory arrays, generated before the clock starts so that
 * generation never counts as learning time (ingest's {@code SyntheticStreams} produce Avro events one at a
 * time, for Kafka). Seeded: the same seed gives the same stream on every machine.
 */
public final class ScenarioStreams {
  private ScenarioStreams() {
  }

  /**
   * Logistic data whose true weight vector drifts: it turns gradually towards a new random direction
   * over every {@code period} examples and jumps to an unrelated one every 4 periods (gradual and abrupt
   * drift, as in MOA's hyperplane and SEA generators). Features N(0, 1), logit norm 3.
   */
  public static DenseStream drifting(int n, int d, int period, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] from = unitVector(d, random);
    double[] to = unitVector(d, random);
    double[] x = new double[n * d];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      if (i > 0 && i % period == 0) {
        from = (i % (4 * period) == 0) ? unitVector(d, random) : to;
        to = unitVector(d, random);
      }
      double s = (i % period) / (double) period;
      double z = 0;
      for (int j = 0; j < d; j++) {
        double xj = gaussian(random);
        x[i * d + j] = xj;
        z += 3.0 * ((1 - s) * from[j] + s * to[j]) * xj;
      }
      y[i] = random.nextDouble() < sigmoid(z) ? 1 : 0;
    }
    return new DenseStream(d, x, y);
  }

  /**
   * A stationary but weak and noisy signal: logit norm {@code signal} (0.5 gives a Bayes log loss near
   * 0.66), and a fraction {@code flips} of labels flipped at random. Per-example gradients are then mostly
   * noise, so the gradient noise scale is large.
   */
  public static DenseStream highNoise(int n, int d, double signal, double flips, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] w = unitVector(d, random);
    double[] x = new double[n * d];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double z = 0;
      for (int j = 0; j < d; j++) {
        double xj = gaussian(random);
        x[i * d + j] = xj;
        z += signal * w[j] * xj;
      }
      double label = random.nextDouble() < sigmoid(z) ? 1 : 0;
      y[i] = random.nextDouble() < flips ? 1 - label : label;
    }
    return new DenseStream(d, x, y);
  }

  /**
   * A 784-dimensional image-like task (MNIST's shape) generated on demand, so it needs no memory: each
   * example mixes 12 smooth random "strokes" (a low-rank latent code through a fixed 784 x 12 dictionary),
   * clipped to [0, 1] like pixel intensities plus pixel noise; its label is whether a fixed random
   * two-layer teacher network of the latent code exceeds its median, so a nonlinear model does better.
   */
  public static BenchStream imageLike(int n, long seed) {
    return new ImageLikeStream(n, 1, seed);
  }

  /** The same images with {@code classes} labels: the class whose teacher network answers highest. */
  public static BenchStream imageLike(int n, int classes, long seed) {
    return new ImageLikeStream(n, classes, seed);
  }

  /**
   * A linearly separable concept, generated on demand: features N(0, 1), label 1 where a fixed random unit
   * vector's dot with them is positive, flipped with probability {@code noise}.
   */
  public static BenchStream separable(int n, int d, double noise, long seed) {
    double[] w = unitVector(d, new SplittableRandom(seed));
    return new BenchStream() {
      @Override
      public int size() {
        return n;
      }

      @Override
      public int featureCount() {
        return d;
      }

      @Override
      public void features(int index, double[] row) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + index);
        for (int j = 0; j < d; j++) {
          row[j] = gaussian(random);
        }
      }

      @Override
      public double label(int index) {
        double[] row = new double[d];
        features(index, row);
        double z = 0;
        for (int j = 0; j < d; j++) {
          z += w[j] * row[j];
        }
        boolean flip = new SplittableRandom(~(seed * 1_000_003L + index)).nextDouble() < noise;
        return (z > 0) != flip ? 1 : 0;
      }
    };
  }

  /**
   * A linear concept over {@code d} features, generated on demand and cheaply enough for millions of wide events:
   * features uniform on [-sqrt 3, sqrt 3] (mean 0, variance 1), label 1 where a fixed random unit vector's dot with
   * them is positive, flipped with probability {@code noise}. The labels are worked out once, at construction.
   */
  public static BenchStream uniformConcept(int n, int d, double noise, long seed) {
    double[] w = unitVector(d, new SplittableRandom(seed));
    byte[] labels = new byte[n];
    double[] row = new double[d];
    SplittableRandom flips = new SplittableRandom(~seed);
    for (int i = 0; i < n; i++) {
      uniformRow(seed, i, row);
      double z = 0;
      for (int j = 0; j < d; j++) {
        z += w[j] * row[j];
      }
      labels[i] = (byte) ((z > 0) != (flips.nextDouble() < noise) ? 1 : 0);
    }
    return new BenchStream() {
      @Override
      public int size() {
        return n;
      }

      @Override
      public int featureCount() {
        return d;
      }

      @Override
      public void features(int index, double[] out) {
        uniformRow(seed, index, out);
      }

      @Override
      public double label(int index) {
        return labels[index];
      }
    };
  }

  private static void uniformRow(long seed, int index, double[] row) {
    SplittableRandom random = new SplittableRandom(seed * 1_000_003L + index);
    double width = 2 * Math.sqrt(3);
    for (int j = 0; j < row.length; j++) {
      row[j] = (random.nextDouble() - 0.5) * width;
    }
  }

  private static final class ImageLikeStream implements BenchStream {
    private static final int D = 784;
    private static final int LATENT = 12;
    private static final int HIDDEN = 16;
    private final int n;
    private final int classes;
    private final long seed;
    private final double[] dictionary = new double[D * LATENT];
    private final double[] teacherIn = new double[HIDDEN * LATENT];
    private final double[] teacherOut;
    private final double[] latent = new double[LATENT];
    private final double threshold;

    ImageLikeStream(int n, int classes, long seed) {
      this.n = n;
      this.classes = classes;
      this.seed = seed;
      this.teacherOut = new double[HIDDEN * classes];
      SplittableRandom random = new SplittableRandom(seed);
      for (int k = 0; k < LATENT; k++) {
        // a stroke: a Gaussian blob at a random place of the 28 x 28 grid
        double cr = random.nextDouble(4, 24);
        double cc = random.nextDouble(4, 24);
        double width = random.nextDouble(2, 5);
        for (int p = 0; p < D; p++) {
          double dr = p / 28 - cr;
          double dc = p % 28 - cc;
          dictionary[p * LATENT + k] = Math.exp(-(dr * dr + dc * dc) / (2 * width * width));
        }
      }
      for (int i = 0; i < teacherIn.length; i++) {
        teacherIn[i] = gaussian(random) / Math.sqrt(LATENT);
      }
      for (int i = 0; i < teacherOut.length; i++) {
        teacherOut[i] = gaussian(random) * 3 / Math.sqrt(HIDDEN);
      }
      // the median teacher output on a sample, so that the classes are balanced
      double[] sample = new double[2001];
      for (int i = 0; i < sample.length; i++) {
        sample[i] = teacher(-1 - i, 0);
      }
      java.util.Arrays.sort(sample);
      threshold = sample[sample.length / 2];
    }

    @Override
    public int size() {
      return n;
    }

    @Override
    public int featureCount() {
      return D;
    }

    private SplittableRandom exampleRandom(int index) {
      return new SplittableRandom(seed * 1_000_003L + index);
    }

    private void latent(SplittableRandom random) {
      for (int k = 0; k < LATENT; k++) {
        latent[k] = gaussian(random);
      }
    }

    @Override
    public void features(int index, double[] row) {
      SplittableRandom random = exampleRandom(index);
      latent(random);
      for (int p = 0; p < D; p++) {
        double v = 0;
        for (int k = 0; k < LATENT; k++) {
          v += dictionary[p * LATENT + k] * latent[k];
        }
        v = 0.5 * v + 0.1 * gaussian(random);
        row[p] = Math.max(0, Math.min(1, v));
      }
    }

    @Override
    public double label(int index) {
      if (classes == 1) {
        return teacher(index, 0) > threshold ? 1 : 0;
      }
      int best = 0;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        double score = teacher(index, c);
        if (score > bestScore) {
          best = c;
          bestScore = score;
        }
      }
      return best;
    }

    /** Output {@code c} of the teacher network on example {@code index}'s latent code. */
    private double teacher(int index, int c) {
      SplittableRandom random = exampleRandom(index);
      latent(random);
      double z = 0;
      for (int h = 0; h < HIDDEN; h++) {
        double a = 0;
        for (int k = 0; k < LATENT; k++) {
          a += teacherIn[h * LATENT + k] * latent[k];
        }
        z += teacherOut[c * HIDDEN + h] * Math.max(0, a);
      }
      return z;
    }
  }

  private static double[] unitVector(int d, SplittableRandom random) {
    double[] v = new double[d];
    double norm = 0;
    for (int j = 0; j < d; j++) {
      v[j] = gaussian(random);
      norm += v[j] * v[j];
    }
    for (int j = 0; j < d; j++) {
      v[j] /= Math.sqrt(norm);
    }
    return v;
  }

  private static double gaussian(SplittableRandom random) {
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }
}
