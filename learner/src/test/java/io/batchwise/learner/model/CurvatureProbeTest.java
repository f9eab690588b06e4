package io.batchwise.learner.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.learner.loss.HuberLoss;
import io.batchwise.learner.loss.LogLoss;
import io.batchwise.learner.loss.ScalarLoss;
import io.batchwise.learner.loss.SquaredLoss;
import io.batchwise.learner.optim.Adam;
import io.batchwise.learner.optim.Momentum;
import io.batchwise.learner.optim.Sgd;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The curvature the linear models report for the batching policy (StepResult.stepSharpness) and the
 * consecutive-gradient product, against finite differences and the steps actually taken.
 */
class CurvatureProbeTest {
  private static final int D = 5;

  private static double binary(double[] x) {
    return x[0] - 0.5 * x[1] + 0.2 > 0 ? 1 : 0;
  }

  private static double real(double[] x) {
    return 2 * x[0] - x[2] + 0.5;
  }

  @Test
  void lossCurvaturesAreTheDerivativesOfTheDerivatives() {
    double h = 1e-5;
    for (ScalarLoss loss : new ScalarLoss[] {new LogLoss(), new SquaredLoss(), new HuberLoss(1.5)}) {
      for (double z : new double[] {-3.1, -0.7, 0.05, 1.3, 4.2}) {
        for (double y : new double[] {0, 1, 0.3}) {
          double numeric = (loss.derivative(z + h, y) - loss.derivative(z - h, y)) / (2 * h);
          assertEquals(numeric, loss.curvature(z, y), 1e-6, loss.kind() + " z=" + z + " y=" + y);
        }
      }
    }
  }

  /** u'Hu / |u|^2 of the objective over {@code batch} at {@code theta}: u . (grad(theta + eps u) - grad(theta - eps u)) / (2 eps |u|^2). */
  private static double finiteDifferenceCurvature(DifferentiableModel m, double[] theta, double[] u, MicroBatch batch) {
    double eps = 1e-5;
    double[] plus = new double[theta.length];
    double[] minus = new double[theta.length];
    double[] shifted = new double[theta.length];
    for (int j = 0; j < theta.length; j++) {
      shifted[j] = theta[j] + eps * u[j];
    }
    m.setParameters(shifted);
    m.gradient(batch, plus);
    for (int j = 0; j < theta.length; j++) {
      shifted[j] = theta[j] - eps * u[j];
    }
    m.setParameters(shifted);
    m.gradient(batch, minus);
    m.setParameters(theta);
    double uHu = 0;
    double uu = 0;
    for (int j = 0; j < theta.length; j++) {
      uHu += u[j] * (plus[j] - minus[j]) / (2 * eps);
      uu += u[j] * u[j];
    }
    return uHu / uu;
  }

  private static MicroBatch rows(MicroBatch batch, int... indices) {
    int d = batch.featureCount();
    MicroBatch subset = new MicroBatch(d, indices.length);
    for (int i : indices) {
      double[] x = new double[d];
      System.arraycopy(batch.features(), i * d, x, 0, d);
      subset.add(x, batch.labels()[i], batch.weights()[i]);
    }
    return subset;
  }

  /**
   * With SGD the step is theta' = theta - lr g, so the gradient a step followed is known exactly. The
   * sharpness the next step reports is lr m times the curvature along it over the probed examples (one in
   * 16, counted across batches), which finite differences of the gradient give independently.
   */
  @Test
  void theSharpnessIsTheCurvatureAlongThePreviousGradientOverTheProbedExamples() {
    Random rnd = new Random(5);
    double rate = 0.05;
    GeneralizedLinearModel[] models = {
        new LogisticRegression(D, new Sgd(rate), new Standardizer(D), 0.0),
        new LogisticRegression(D, new Sgd(rate), new Standardizer(D), 0.3),
        new LogisticRegression(D, new Sgd(rate), null, 0.1),
        new LinearRegression(D, new SquaredLoss(), new Sgd(rate), new Standardizer(D), 0.2),
        new LinearRegression(D, new HuberLoss(1.5), new Sgd(rate), new Standardizer(D), 0.0)};
    for (GeneralizedLinearModel m : models) {
      java.util.function.ToDoubleFunction<double[]> label = m.loss().classifies() ? CurvatureProbeTest::binary
          : CurvatureProbeTest::real;
      double[] before = m.parameters();
      StepResult first = m.learn(TestBatches.batch(rnd, 20, D, label, true), 1.0);
      assertTrue(Double.isNaN(first.stepSharpness()) && Double.isNaN(first.recentGradientDot())); // no previous step
      double[] after = m.parameters();
      double[] u = new double[before.length];
      for (int j = 0; j < u.length; j++) {
        u[j] = (before[j] - after[j]) / rate;
      }
      // 20 examples learned: this batch's examples 12 and 28 are the probed ones
      MicroBatch second = TestBatches.batch(rnd, 40, D, label, true);
      double expected = 0.5 * rate * finiteDifferenceCurvature(m, after, u, rows(second, 12, 28));
      StepResult step = m.learn(second, 0.5);
      assertEquals(expected, step.stepSharpness(), 1e-6 * Math.abs(expected), m.exportState().spec());
      assertTrue(step.stepSharpness() > 0);
      double[] last = m.parameters();
      double dot = 0;
      for (int j = 0; j < u.length; j++) {
        dot += u[j] * (after[j] - last[j]) / (0.5 * rate);
      }
      // after one step the recent-gradient average is that step's gradient
      assertEquals(dot, step.recentGradientDot(), 1e-9 * Math.abs(dot));
      // a batch without a probed example (numbers 60 to 63) reports no sharpness; its gradient is dotted with
      // the average of the first two, weighted per example: (1 - k^20) k^40 and 1 - k^40, k = 1 - 1/K
      StepResult third = m.learn(TestBatches.batch(rnd, 4, D, label, false), 1.0);
      assertTrue(Double.isNaN(third.stepSharpness()));
      double[] end = m.parameters();
      double k = 1 - 1.0 / FusedLinearModel.RECENT_GRADIENT_EXAMPLES;
      double firstWeight = (1 - Math.pow(k, 20)) * Math.pow(k, 40);
      double secondWeight = 1 - Math.pow(k, 40);
      double recentDot = 0;
      for (int j = 0; j < u.length; j++) {
        double recent = (firstWeight * u[j] + secondWeight * (after[j] - last[j]) / (0.5 * rate)) / (firstWeight + secondWeight);
        recentDot += recent * (last[j] - end[j]) / rate;
      }
      assertEquals(recentDot, third.recentGradientDot(), 1e-9 * Math.abs(recentDot));
    }
  }

  @Test
  void momentumScalesTheSharpnessAndAdaptiveOptimizersReportNone() {
    Random rnd = new Random(7);
    MicroBatch a = TestBatches.batch(rnd, 16, D, CurvatureProbeTest::binary, false);
    MicroBatch b = TestBatches.batch(rnd, 16, D, CurvatureProbeTest::binary, false);
    LogisticRegression sgd = new LogisticRegression(D, new Sgd(0.05), new Standardizer(D), 0.0);
    LogisticRegression momentum = new LogisticRegression(D, new Momentum(0.05, 0.9), new Standardizer(D), 0.0);
    sgd.learn(a, 1.0);
    momentum.learn(a, 1.0); // the first momentum step equals the SGD step
    assertEquals(10 * sgd.learn(b, 1.0).stepSharpness(), momentum.learn(b, 1.0).stepSharpness(), 1e-12);
    LogisticRegression adam = new LogisticRegression(D, new Adam(0.01, 0.9, 0.999, 1e-8), new Standardizer(D), 0.0);
    adam.learn(a, 1.0);
    StepResult r = adam.learn(b, 1.0);
    assertTrue(Double.isNaN(r.stepSharpness()));
    assertTrue(Double.isFinite(r.recentGradientDot()));
  }
}
