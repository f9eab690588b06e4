package io.batchwise.policy.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.policy.goodput.GradientNoise;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NoiseScaleEstimatorTest {
  private static final int D = 20;

  /** Per-example gradients g_i = G + A z_i with z_i standard normal: Sigma = A A^T, tr(Sigma) = |A|_F^2. */
  private record SyntheticGradients(double[] g, double[][] a, SplittableRandom random) {
    static SyntheticGradients create(long seed, double signalNorm, double noiseScale) {
      SplittableRandom r = new SplittableRandom(seed);
      double[] g = new double[D];
      double norm = 0;
      for (int j = 0; j < D; j++) {
        g[j] = r.nextDouble(-1, 1);
        norm += g[j] * g[j];
      }
      for (int j = 0; j < D; j++) {
        g[j] *= signalNorm / Math.sqrt(norm);
      }
      double[][] a = new double[D][D];
      for (int i = 0; i < D; i++) {
        for (int j = 0; j < D; j++) {
          a[i][j] = noiseScale * r.nextDouble(-1, 1);
        }
      }
      return new SyntheticGradients(g, a, r);
    }

    double trace() {
      double t = 0;
      for (double[] row : a) {
        for (double v : row) {
          t += v * v;
        }
      }
      return t;
    }

    double signal() {
      double s = 0;
      for (double v : g) {
        s += v * v;
      }
      return s;
    }

    /** One per-example gradient g_i. */
    double[] example() {
      double[] z = new double[D];
      for (int k = 0; k < D; k++) {
        z[k] = gaussian();
      }
      double[] out = new double[D];
      for (int j = 0; j < D; j++) {
        double gj = g[j];
        for (int k = 0; k < D; k++) {
          gj += a[j][k] * z[k];
        }
        out[j] = gj;
      }
      return out;
    }

    /** {mean_i |g_i|^2, |gbar|^2} of one batch. */
    double[] batch(int size) {
      double[] sum = new double[D];
      double exampleSq = 0;
      double[] z = new double[D];
      for (int i = 0; i < size; i++) {
        for (int k = 0; k < D; k++) {
          z[k] = gaussian();
        }
        for (int j = 0; j < D; j++) {
          double gj = g[j];
          for (int k = 0; k < D; k++) {
            gj += a[j][k] * z[k];
          }
          sum[j] += gj;
          exampleSq += gj * gj;
        }
      }
      double meanSq = 0;
      for (int j = 0; j < D; j++) {
        meanSq += (sum[j] / size) * (sum[j] / size);
      }
      return new double[] {exampleSq / size, meanSq};
    }

    private double gaussian() {
      double u = 1 - random.nextDouble();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }
  }

  @Test
  void recoversKnownTraceAndSignalFromSyntheticGradients() {
    SyntheticGradients source = SyntheticGradients.create(42, 2.0, 0.5);
    double trace = source.trace();
    double signal = source.signal();
    for (int b : new int[] {2, 16, 128}) {
      NoiseScaleEstimator estimator = new NoiseScaleEstimator(1000.0 * b); // ~1000 batches whatever their size
      for (int step = 0; step < 6000; step++) {
        double[] stats = source.batch(b);
        assertTrue(estimator.observe(b, stats[0], stats[1]));
      }
      GradientNoise g = estimator.current();
      // ~1000 effective batches: the trace estimate has a relative sd of about 1.5% at B = 2, the signal
      // estimate an sd of about tr/(B sqrt(1000)), so 5% and 0.1 + 10% are several sd wide
      assertEquals(trace, g.traceCovariance(), 0.05 * trace, "tr(Sigma) at B=" + b);
      assertEquals(signal, g.gradientSquaredNorm(), 0.1 * signal + 0.1, "|G|^2 at B=" + b);
      assertEquals(trace / signal, g.noiseScale(), 0.2 * trace / signal, "B_noise at B=" + b);
    }
  }

  @Test
  void batchesOfOneRecoverKnownTraceAndSignalFromConsecutiveGradients() {
    SyntheticGradients source = SyntheticGradients.create(7, 2.0, 0.5);
    double trace = source.trace();
    double signal = source.signal();
    NoiseScaleEstimator estimator = new NoiseScaleEstimator(20_000);
    double[] previous = source.example();
    for (int step = 0; step < 100_000; step++) {
      double[] g = source.example();
      double sq = 0;
      double dot = 0;
      for (int j = 0; j < D; j++) {
        sq += g[j] * g[j];
        dot += g[j] * previous[j];
      }
      assertTrue(estimator.observeSingle(sq, dot));
      previous = g;
    }
    GradientNoise g = estimator.current();
    // ~20,000 effective examples: g . g_prev has an sd of about tr(Sigma) / sqrt(D) per example, so the
    // averages land within about 1% of tr(Sigma) and |G|^2
    assertEquals(trace, g.traceCovariance(), 0.05 * trace);
    assertEquals(signal, g.gradientSquaredNorm(), 0.05 * signal);
    assertFalse(estimator.observeSingle(Double.NaN, 1));
    assertFalse(estimator.observeSingle(1, Double.NaN));
    assertFalse(estimator.observeSingle(-1, 0));
  }

  @Test
  void signalStandardErrorIsTheWeightedSpreadOfTheBatchesEstimates() {
    // batches of two whose |G|^2 estimates are x = 2 |gbar|^2 - mean |g_i|^2: 3, -1, 5 with tr(Sigma) = 20
    double[] x = {3, -1, 5};
    double decay = Math.exp(-2.0 / 10);
    NoiseScaleEstimator estimator = new NoiseScaleEstimator(10);
    assertEquals(Double.NaN, estimator.signalStandardError());
    estimator.observe(2, x[0] + 20, x[0] + 10);
    assertEquals(Double.POSITIVE_INFINITY, estimator.signalStandardError()); // one estimate has no spread to show
    estimator = new NoiseScaleEstimator(10);
    for (double v : x) {
      estimator.observe(2, v + 20, v + 10);
    }
    // weights w_i = (1 - d) d^(n - i) normalized by their sum 1 - d^n
    double total = 1 - Math.pow(decay, 3);
    double mean = 0;
    double[] w = new double[3];
    for (int i = 0; i < 3; i++) {
      w[i] = (1 - decay) * Math.pow(decay, 2 - i);
      mean += w[i] * x[i] / total;
    }
    double spread = 0;
    double squaredWeights = 0;
    for (int i = 0; i < 3; i++) {
      spread += w[i] * w[i] * (x[i] - mean) * (x[i] - mean);
      squaredWeights += w[i] * w[i];
    }
    double n = total * total / squaredWeights; // the batches the average effectively holds, between 2 and 3
    assertEquals(mean, estimator.current().gradientSquaredNorm(), 1e-12);
    assertEquals(Math.sqrt(spread * n / (n - 1)) / total, estimator.signalStandardError(), 1e-12);
    NoiseScaleEstimator restored = new NoiseScaleEstimator(10);
    restored.restore(estimator.state());
    assertEquals(estimator.signalStandardError(), restored.signalStandardError(), 0);
  }

  @Test
  void signalStandardErrorMatchesTheSpreadOfTheAverageAcrossRuns() {
    // batches of 2 and 32 alternating (estimates of very different precision), window 400 examples: the
    // standard error reported in each run against the standard deviation of the final |G|^2 over 400 runs
    // (about 3.5% sampling error)
    SyntheticGradients source = SyntheticGradients.create(5, 1.0, 0.5);
    int runs = 400;
    double sum = 0;
    double sumSquares = 0;
    double reported = 0;
    for (int run = 0; run < runs; run++) {
      NoiseScaleEstimator estimator = new NoiseScaleEstimator(400);
      for (int step = 0; step < 200; step++) {
        int b = step % 2 == 0 ? 2 : 32;
        double[] stats = source.batch(b);
        estimator.observe(b, stats[0], stats[1]);
      }
      double signal = estimator.current().gradientSquaredNorm();
      sum += signal;
      sumSquares += signal * signal;
      reported += estimator.signalStandardError() / runs;
    }
    double sd = Math.sqrt((sumSquares - sum * sum / runs) / (runs - 1));
    assertEquals(sd, reported, 0.1 * sd);
  }

  @Test
  void singleBatchFormulasAreExactForTheirExpectations() {
    // E[mean |g_i|^2] = |G|^2 + tr(Sigma), E[|gbar|^2] = |G|^2 + tr(Sigma)/B: the estimator inverts them
    NoiseScaleEstimator estimator = new NoiseScaleEstimator(1e-3); // forgets everything before the last batch
    estimator.observe(3, 1e3, 1);
    estimator.observe(10, 4.0 + 30.0, 4.0 + 30.0 / 10);
    assertEquals(30.0, estimator.current().traceCovariance(), 1e-12);
    assertEquals(4.0, estimator.current().gradientSquaredNorm(), 1e-12);
  }

  @Test
  void biasCorrectionMakesTheFirstEstimateTheObservation() {
    NoiseScaleEstimator estimator = new NoiseScaleEstimator(1e6);
    estimator.observe(4, 9.0, 3.0);
    assertEquals(4.0 / 3 * 6.0, estimator.current().traceCovariance(), 1e-12);
    assertEquals(3.0 - 2.0, estimator.current().gradientSquaredNorm(), 1e-12);
  }

  @Test
  void forgetsPerExampleNotPerBatch() {
    // one batch of 100 must weigh what 50 batches of 2 weigh: both decay the past by exp(-100 / window)
    NoiseScaleEstimator big = new NoiseScaleEstimator(500);
    NoiseScaleEstimator small = new NoiseScaleEstimator(500);
    big.observe(2, 2 + 10, 2 + 5);
    small.observe(2, 2 + 10, 2 + 5);
    big.observe(100, 1 + 40, 1 + 0.4);
    for (int i = 0; i < 50; i++) {
      small.observe(2, 1 + 40, 1 + 20);
    }
    assertEquals(big.current().traceCovariance(), small.current().traceCovariance(), 1e-9);
    assertEquals(big.current().gradientSquaredNorm(), small.current().gradientSquaredNorm(), 1e-9);
  }

  @Test
  void skipsUninformativeInputs() {
    NoiseScaleEstimator estimator = new NoiseScaleEstimator(100);
    assertFalse(estimator.observe(1, 5, 5));
    assertFalse(estimator.observe(0, 5, 5));
    assertFalse(estimator.observe(8, Double.NaN, 1));
    assertFalse(estimator.observe(8, 1, Double.POSITIVE_INFINITY));
    assertFalse(estimator.observe(8, -1, 1));
    assertSame(GradientNoise.UNKNOWN, estimator.current());
    assertTrue(estimator.observe(8, 0, 0));
    assertFalse(estimator.current().known()); // a zero gradient says nothing about the noise
    assertEquals(Double.NaN, estimator.current().noiseScale());
  }
}
