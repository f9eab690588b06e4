package io.batchwise.learner.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class OptimizerTest {
  private static final double TOL = 1e-15;

  @Test
  void sgdStepsAgainstTheGradient() {
    Sgd sgd = new Sgd(0.1);
    double[] p = {1.0, -2.0};
    sgd.step(p, new double[] {0.5, -1.0}, 0.2);
    assertArrayEquals(new double[] {1.0 - 0.2 * 0.5, -2.0 + 0.2 * 1.0}, p, TOL);
    assertEquals(1, sgd.steps());
    assertEquals(0, sgd.exportState().length);
  }

  @Test
  void momentumAccumulatesVelocity() {
    Momentum m = new Momentum(0.1, 0.9);
    double[] p = {1.0};
    m.step(p, new double[] {2.0}, 0.1); // v = 2, p = 1 - 0.2 = 0.8
    assertEquals(0.8, p[0], TOL);
    m.step(p, new double[] {1.0}, 0.1); // v = 0.9 * 2 + 1 = 2.8, p = 0.8 - 0.28 = 0.52
    assertEquals(0.52, p[0], 1e-15);
    assertArrayEquals(new double[] {2.8}, m.exportState(), TOL);
  }

  @Test
  void adamMatchesTheBiasCorrectedUpdate() {
    Adam adam = new Adam(0.1, 0.9, 0.999, 1e-8);
    double[] p = {0.0};
    // step 1: m = 0.1 g, v = 0.001 g^2, mhat = g, vhat = g^2 -> p -= lr * g / (|g| + eps)
    adam.step(p, new double[] {2.0}, 0.1);
    assertEquals(-0.1 * 2.0 / (2.0 + 1e-8), p[0], 1e-15);
    // step 2 by the paper's algorithm
    double m = 0.9 * 0.2 + 0.1 * -1.0;
    double v = 0.999 * 0.004 + 0.001 * 1.0;
    double mhat = m / (1 - 0.81);
    double vhat = v / (1 - 0.999 * 0.999);
    double expected = p[0] - 0.1 * mhat / (Math.sqrt(vhat) + 1e-8);
    adam.step(p, new double[] {-1.0}, 0.1);
    assertEquals(expected, p[0], 1e-12);
    assertArrayEquals(new double[] {m, v}, adam.exportState(), 1e-15);
  }

  @Test
  void adaGradDividesByAccumulatedSquares() {
    AdaGrad a = new AdaGrad(0.5, 0.0);
    double[] p = {1.0, 1.0};
    a.step(p, new double[] {3.0, -4.0}, 0.5); // each coordinate moves by lr * sign(g) at first
    assertArrayEquals(new double[] {0.5, 1.5}, p, TOL);
    a.step(p, new double[] {4.0, 3.0}, 0.5); // G = 25 both: step lr * g / 5
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
    f.step(p, new double[] {1.0, 0.1}, alpha);
    // coordinate 0: n = 1, sigma = 2, z = 1; w = -(1 - 0.2) / ((1 + 1) / 0.5 + 0.1)
    assertEquals(-0.8 / 4.1, p[0], 1e-15);
    // coordinate 1: |z| = 0.1 <= l1 -> exactly 0 (the L1 sparsity)
    assertEquals(0.0, p[1], 0.0);
    double w0 = p[0];
    f.step(p, new double[] {-0.5, 0.0}, alpha);
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
      a.step(pa, new double[] {0.5, -0.25, 1.0}, a.baseLearningRate());
      a.step(pa, new double[] {0.1, 0.2, -0.3}, a.baseLearningRate());
      Optimizer b = Optimizer.parse(a.spec());
      b.importState(a.steps(), a.exportState());
      double[] pb = pa.clone();
      double[] g = {-0.4, 0.7, 0.05};
      a.step(pa, g, a.baseLearningRate());
      b.step(pb, g, b.baseLearningRate());
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
        wide.step(pw, g, wide.baseLearningRate());
        narrow.step(pn, gn, narrow.baseLearningRate());
      }
      for (int j = 0; j < pw.length; j++) {
        assertEquals(pw[j], pn[j], 1e-6, spec + " parameter " + j);
      }
      assertArrayEquals(wide.exportState(), narrow.exportState(), 1e-6, spec);
      assertEquals(wide.steps(), narrow.steps(), spec);
    }
  }

  /** A float32 optimizer restored from exported slots resumes as the one that exported them. */
  @Test
  void float32StateResumes() {
    Optimizer a = Optimizer.parse("adam:0.01");
    float[] pa = {0.3f, -0.2f};
    a.step(pa, new float[] {0.5f, -0.25f}, a.baseLearningRate());
    Optimizer b = Optimizer.parse(a.spec());
    b.importState(a.steps(), a.exportState());
    float[] pb = pa.clone();
    a.step(pa, new float[] {0.1f, 0.2f}, a.baseLearningRate());
    b.step(pb, new float[] {0.1f, 0.2f}, b.baseLearningRate());
    assertArrayEquals(pa, pb, 0f);
    assertThrows(IllegalStateException.class, () -> a.step(new double[2], new double[2], 0.01));
  }
}
