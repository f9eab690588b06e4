package io.batchwise.learner.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OptimizerTest {
  private static final double TOL = 1e-15;

  @Test
  void sgdStepsAgainstTheGradient() {
    Sgd sgd = new Sgd(0.1);
    double[] p = {1.0, -2.0};
    sgd.step(p, new double[] {0.5, -1.0}, 0.2, 1);
    assertArrayEquals(new double[] {1.0 - 0.2 * 0.5, -2.0 + 0.2 * 1.0}, p, TOL);
    assertEquals(1, sgd.steps());
    assertEquals(0, sgd.exportState().length);
  }

  @Test
  void momentumAccumulatesVelocity() {
    Momentum m = new Momentum(0.1, 0.9);
    double[] p = {1.0};
    m.step(p, new double[] {2.0}, 0.1, 1); // v = 2, p = 1 - 0.2 = 0.8
    assertEquals(0.8, p[0], TOL);
    m.step(p, new double[] {1.0}, 0.1, 1); // v = 0.9 * 2 + 1 = 2.8, p = 0.8 - 0.28 = 0.52
    assertEquals(0.52, p[0], 1e-15);
    assertArrayEquals(new double[] {2.8}, m.exportState(), TOL);
  }

  @Test
  void adamMatchesTheBiasCorrectedUpdate() {
    Adam adam = new Adam(0.1, 0.9, 0.999, 1e-8);
    double[] p = {0.0};
    // step 1: m = 0.1 g, v = 0.001 g^2, mhat = g, vhat = g^2 -> p -= lr * g / (|g| + eps)
    adam.step(p, new double[] {2.0}, 0.1, 1);
    assertEquals(-0.1 * 2.0 / (2.0 + 1e-8), p[0], 1e-15);
    // step 2 by the paper's algorithm
    double m = 0.9 * 0.2 + 0.1 * -1.0;
    double v = 0.999 * 0.004 + 0.001 * 1.0;
    double mhat = m / (1 - 0.81);
    double vhat = v / (1 - 0.999 * 0.999);
    double expected = p[0] - 0.1 * mhat / (Math.sqrt(vhat) + 1e-8);
    adam.step(p, new double[] {-1.0}, 0.1, 1);
    assertEquals(expected, p[0], 1e-12);
    assertArrayEquals(new double[] {m, v, 2}, adam.exportState(), 1e-15); // the slots, then the moments' time
  }

  /** At one batch size and the base rate, the per-example second moment changes nothing: Adam as published. */
  @Test
  void adamAtOneBatchSizeAndTheBaseRateIsTheTextbookAdam() {
    Adam adam = new Adam(0.01, 0.9, 0.999, 1e-8);
    double[] p = {0.5, -0.3, 0.0};
    double[] q = p.clone();
    double[] m = new double[3];
    double[] v = new double[3];
    Random random = new Random(3);
    for (int t = 1; t <= 50; t++) {
      double[] g = {random.nextGaussian(), 0.1 * random.nextGaussian(), 1e-3 + random.nextGaussian()};
      adam.step(p, g, 0.01, 32);
      for (int j = 0; j < 3; j++) {
        m[j] = 0.9 * m[j] + 0.1 * g[j];
        v[j] = 0.999 * v[j] + 0.001 * g[j] * g[j];
        double mhat = m[j] / (1 - Math.pow(0.9, t));
        double vhat = v[j] / (1 - Math.pow(0.999, t));
        q[j] -= 0.01 * mhat / (Math.sqrt(vhat) + 1e-8);
      }
    }
    assertArrayEquals(q, p, 1e-12);
  }

  /**
   * The square-root scaling rule read per step: a step at r times the base rate is r^2 base steps of the moments, so
   * two steps at 1/sqrt(2) of the rate with one gradient leave m and v, and the time their bias corrections use,
   * exactly where one base step leaves them.
   */
  @Test
  void adamAtAFractionOfTheRateAdvancesTheMomentsByItsSquare() {
    Adam halves = new Adam(0.01);
    Adam whole = new Adam(0.01);
    double[] ph = {0.2, -0.1};
    double[] pw = ph.clone();
    double[] g = {0.7, -1.3};
    for (int t = 0; t < 5; t++) {
      halves.step(ph, g, 0.01 / Math.sqrt(2), 4);
      halves.step(ph, g, 0.01 / Math.sqrt(2), 4);
      whole.step(pw, g, 0.01, 4);
    }
    assertArrayEquals(whole.exportState(), halves.exportState(), 1e-13);
  }

  /**
   * Gradients of pure noise, variance 1 per example, so 1 / B for a batch of B, at the sqrt rule's rate: the
   * parameters drift as far per example in single-example steps after a run of 32-example batches as after single
   * examples all along. With the textbook moments, kept per step, the second moment still holds mostly the
   * 32-example gradients' 1/32 there, and the parameters drift 1.6 times as far.
   */
  @Test
  void adamDriftsAsFarPerExampleWhateverBatchSizesCameBefore() {
    int d = 4000;
    double[] afterSingles = drift(new Adam(0.001), d, 1, 2000, 11);
    double[] afterBatches = drift(new Adam(0.001), d, 32, 200, 11);
    double ratio = Math.sqrt(meanSquare(afterBatches) / meanSquare(afterSingles));
    assertEquals(1, ratio, 0.15);
  }

  /** Warms {@code adam} up with {@code warmSteps} batches of {@code warmBatch}, then returns the move of 320 single examples. */
  private static double[] drift(Adam adam, int d, int warmBatch, int warmSteps, long seed) {
    Random random = new Random(seed);
    double[] p = new double[d];
    double[] g = new double[d];
    for (int t = 0; t < warmSteps; t++) {
      noise(random, g, 1.0 / Math.sqrt(warmBatch));
      adam.step(p, g, 0.001 * Math.sqrt(warmBatch / 32.0), warmBatch);
    }
    double[] start = p.clone();
    for (int t = 0; t < 320; t++) {
      noise(random, g, 1.0);
      adam.step(p, g, 0.001 / Math.sqrt(32), 1);
    }
    for (int j = 0; j < d; j++) {
      p[j] -= start[j];
    }
    return p;
  }

  private static void noise(Random random, double[] g, double scale) {
    for (int j = 0; j < g.length; j++) {
      g[j] = scale * random.nextGaussian();
    }
  }

  private static double meanSquare(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v * v;
    }
    return s / x.length;
  }

  /** A state written before Adam kept its moments' time (slots only) resumes with the steps as that time. */
  @Test
  void adamResumesAStateWithoutTheMomentsTime() {
    Adam a = new Adam(0.01);
    double[] pa = {0.3, -0.2};
    a.step(pa, new double[] {0.5, -0.25}, 0.01, 1);
    a.step(pa, new double[] {0.1, 0.4}, 0.01, 1);
    double[] state = a.exportState();
    Adam b = new Adam(0.01);
    b.importState(a.steps(), Arrays.copyOf(state, state.length - 1));
    assertArrayEquals(state, b.exportState(), 0.0);
  }

  @Test
  void adaGradDividesByAccumulatedSquares() {
    AdaGrad a = new AdaGrad(0.5, 0.0);
    double[] p = {1.0, 1.0};
    a.step(p, new double[] {3.0, -4.0}, 0.5, 1); // each coordinate moves by lr * sign(g) at first
    assertArrayEquals(new double[] {0.5, 1.5}, p, TOL);
    a.step(p, new double[] {4.0, 3.0}, 0.5, 1); // G = 25 both: step lr * g / 5
    assertArrayEquals(new double[] {0.5 - 0.4, 1.5 - 0.3}, p, 1e-15);
  }

  @Test
  void ftrlFollowsMcMahansAlgorithm() {
    double alpha = 0.5;
    double beta = 1.0;
    double l1 = 0.2;
    double l2 = 0.1;
    Ftrl f = new Ftrl(alpha, beta, l1, l2);
    double[] p = {0.0, 0.0};
    f.step(p, new double[] {1.0, 0.1}, alpha, 1);
    // coordinate 0: n = 1, sigma = 2, z = 1; w = -(1 - 0.2) / ((1 + 1) / 0.5 + 0.1)
    assertEquals(-0.8 / 4.1, p[0], 1e-15);
    // coordinate 1: |z| = 0.1 <= l1 -> exactly 0 (the L1 sparsity)
    assertEquals(0.0, p[1], 0.0);
    double w0 = p[0];
    f.step(p, new double[] {-0.5, 0.0}, alpha, 1);
    double sigma = (Math.sqrt(1.25) - 1.0) / alpha;
    double z = 1.0 - 0.5 - sigma * w0;
    double expected = Math.abs(z) <= l1 ? 0.0 : -(z - Math.signum(z) * l1) / ((beta + Math.sqrt(1.25)) / alpha + l2);
    assertEquals(expected, p[0], 1e-15);
  }

  @Test
  void specsParseWithDefaultsAndRoundTrip() {
    assertEquals("sgd:0.1", Optimizer.parse("sgd:0.1").spec());
    assertEquals("sgd:" + Sgd.DEFAULT_LEARNING_RATE, Optimizer.parse("sgd").spec());
    assertEquals("momentum:0.05,0.9", Optimizer.parse("momentum:0.05").spec());
    assertEquals("adam:0.001,0.9,0.999,1e-08", Optimizer.parse("adam:0.001").spec());
    assertEquals("adagrad:0.1,1e-10", Optimizer.parse("ADAGRAD:0.1").spec());
    assertEquals("ftrl:0.1,1,0.5,0", Optimizer.parse("ftrl:0.1,1,0.5").spec());
    for (String s : new String[] {"sgd:0.3", "momentum:0.1,0.5", "adam:0.01,0.8,0.99,1e-6", "adagrad:0.2,1e-8",
        "ftrl:0.2,1.5,0.01,0.3"}) {
      String canonical = Optimizer.parse(s).spec();
      assertEquals(canonical, Optimizer.parse(canonical).spec());
    }
    assertThrows(IllegalArgumentException.class, () -> Optimizer.parse("rmsprop:0.1"));
    assertThrows(IllegalArgumentException.class, () -> Optimizer.parse("sgd:fast"));
    assertThrows(IllegalArgumentException.class, () -> Optimizer.parse("sgd:0.1,2"));
    assertThrows(IllegalArgumentException.class, () -> Optimizer.parse("sgd:-1"));
  }

  @Test
  void exportedStateResumesExactly() {
    for (String spec : new String[] {"momentum:0.1,0.9", "adam:0.01", "adagrad:0.1", "ftrl:0.1,1,0.01,0.01"}) {
      Optimizer a = Optimizer.parse(spec);
      double[] pa = {0.3, -0.2, 0.1};
      a.step(pa, new double[] {0.5, -0.25, 1.0}, a.baseLearningRate(), 1);
      a.step(pa, new double[] {0.1, 0.2, -0.3}, 0.5 * a.baseLearningRate(), 8);
      Optimizer b = Optimizer.parse(a.spec());
      b.importState(a.steps(), a.exportState());
      double[] pb = pa.clone();
      double[] g = {-0.4, 0.7, 0.05};
      a.step(pa, g, a.baseLearningRate(), 1);
      b.step(pb, g, b.baseLearningRate(), 1);
      assertArrayEquals(pa, pb, 0.0, spec);
      assertEquals(a.steps(), b.steps());
    }
  }

  /** The float32 step is the float64 one to float32 precision, for every optimizer, and its slots export alike. */
  @Test
  void float32StepTracksTheFloat64Step() {
    for (String spec : new String[] {"sgd:0.1", "momentum:0.1,0.9", "adam:0.01", "adagrad:0.1", "ftrl:0.1,1,0.01,0.01"}) {
      Optimizer wide = Optimizer.parse(spec);
      Optimizer narrow = Optimizer.parse(spec);
      double[] pw = {0.3, -0.2, 0.1, 0.05, -0.7};
      float[] pn = {0.3f, -0.2f, 0.1f, 0.05f, -0.7f};
      double[][] gradients = {{0.5, -0.25, 1.0, 0.0, 0.3}, {0.1, 0.2, -0.3, 0.01, -0.6}, {-0.4, 0.7, 0.05, 0.2, 0.1}};
      for (double[] g : gradients) {
        float[] gn = new float[g.length];
        for (int j = 0; j < g.length; j++) {
          gn[j] = (float) g[j];
        }
        wide.step(pw, g, wide.baseLearningRate(), 1);
        narrow.step(pn, gn, narrow.baseLearningRate(), 1);
      }
      for (int j = 0; j < pw.length; j++) {
        assertEquals(pw[j], pn[j], 1e-6, spec + " parameter " + j);
      }
      assertArrayEquals(wide.exportState(), narrow.exportState(), 1e-6, spec);
      assertEquals(wide.steps(), narrow.steps(), spec);
    }
  }

  /**
   * A float32 optimizer restored from its exported state, as a checkpoint packs it in float32, resumes as the one
   * that exported it; Adam's moments' time included, after steps at rates that make it fractional.
   */
  @Test
  void float32StateResumes() {
    Optimizer a = Optimizer.parse("adam:0.01");
    float[] pa = {0.3f, -0.2f};
    a.step(pa, new float[] {0.5f, -0.25f}, a.baseLearningRate(), 1);
    a.step(pa, new float[] {0.2f, 0.15f}, a.baseLearningRate() * Math.sqrt(5 / 32.0), 5);
    double[] packed = a.exportState();
    for (int j = 0; j < packed.length; j++) {
      packed[j] = (float) packed[j];
    }
    Optimizer b = Optimizer.parse(a.spec());
    b.importState(a.steps(), packed);
    float[] pb = pa.clone();
    a.step(pa, new float[] {0.1f, 0.2f}, a.baseLearningRate(), 1);
    b.step(pb, new float[] {0.1f, 0.2f}, b.baseLearningRate(), 1);
    assertArrayEquals(pa, pb, 0f);
    assertThrows(IllegalStateException.class, () -> a.step(new double[2], new double[2], 0.01, 1));
  }
}
