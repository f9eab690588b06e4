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
          assertEquals(numeric, loss.curvature(z, y), 1e-6, loss.name() + " z=" + z + " y=" + y);
        }
      }
    }
  }

  /** u'Hu / |u|^2 from the model against u . (grad(theta + eps u) - grad(theta - eps u)) / (2 eps |u|^2). */
  @Test
  void curvatureAlongADirectionMatchesFiniteDifferencesOfTheGradient() {
    Random rnd = new Random(5);
    GeneralizedLinearModel[] models = {
        new LogisticRegression(D, new Sgd(0.1), new Standardizer(D), 0.0),
        new LogisticRegression(D, new Sgd(0.1), new Standardizer(D), 0.3),
        new LogisticRegression(D, new Sgd(0.1), null, 0.1),
        new LinearRegression(D, new SquaredLoss(), new Sgd(0.01), new Standardizer(D), 0.2),
        new LinearRegression(D, new HuberLoss(1.5), new Sgd(0.01), new Standardizer(D), 0.0)};
    for (GeneralizedLinearModel m : models) {
      boolean classifies = m.loss().classifies();
      java.util.function.ToDoubleFunction<double[]> label = classifies ? CurvatureProbeTest::binary : CurvatureProbeTest::real;
      m.learn(TestBatches.batch(rnd, 16, D, label, false), 1.0);
      double[] theta = new double[m.parameterCount()];
      double[] u = new double[m.parameterCount()];
      for (int j = 0; j < theta.length; j++) {
        theta[j] = 0.5 * rnd.nextGaussian();
        u[j] = rnd.nextGaussian();
      }
      m.setParameters(theta);
      MicroBatch batch = TestBatches.batch(rnd, 13, D, label, true);
      double reported = m.curvatureAlong(u, batch, 0, 1);
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
      double uHu = 0;
      double uu = 0;
      for (int j = 0; j < theta.length; j++) {
        uHu += u[j] * (plus[j] - minus[j]) / (2 * eps);
        uu += u[j] * u[j];
      }
      assertEquals(uHu / uu, reported, 1e-6 * Math.max(1, Math.abs(reported)), m.exportState().spec());
      // the probe over every third example is the same Hessian over that subset
      MicroBatch subset = new MicroBatch(D, 5);
      for (int i = 1; i < batch.size(); i += 3) {
        double[] x = new double[D];
        System.arraycopy(batch.features(), i * D, x, 0, D);
        subset.add(x, batch.labels()[i], batch.weights()[i]);
      }
      m.setParameters(theta);
      assertEquals(m.curvatureAlong(u, subset, 0, 1), m.curvatureAlong(u, batch, 1, 3), 1e-12);
    }
  }

  /**
   * With SGD the step is theta' = theta - lr g, so the gradients the steps followed are known exactly:
   * the reported product of consecutive gradients and the sharpness lr h along the previous one.
   */
  @Test
  void stepsReportTheSharpnessAlongThePreviousGradientAndTheProductOfConsecutiveGradients() {
    Random rnd = new Random(6);
    double rate = 0.1;
    LogisticRegression m = new LogisticRegression(D, new Sgd(rate), new Standardizer(D), 0.0);
    MicroBatch first = TestBatches.batch(rnd, 20, D, CurvatureProbeTest::binary, false);
    double[] before = m.parameters();
    StepResult one = m.learn(first, 1.0);
    assertTrue(Double.isNaN(one.stepSharpness()) && Double.isNaN(one.previousGradientDot())); // no previous step
    double[] after = m.parameters();
    double[] g1 = new double[before.length];
    for (int j = 0; j < g1.length; j++) {
      g1[j] = (before[j] - after[j]) / rate;
    }
    MicroBatch second = TestBatches.batch(rnd, 20, D, CurvatureProbeTest::binary, false);
    // 20 examples learned: the probe takes one example in 16 counted across batches, here number 12
    double expectedSharpness = 0.5 * rate * m.curvatureAlong(g1, second, 12, 16);
    StepResult two = m.learn(second, 0.5);
    double[] last = m.parameters();
    double dot = 0;
    for (int j = 0; j < g1.length; j++) {
      dot += g1[j] * (after[j] - last[j]) / (0.5 * rate);
    }
    assertEquals(expectedSharpness, two.stepSharpness(), 1e-15);
    assertTrue(two.stepSharpness() > 0);
    assertEquals(dot, two.previousGradientDot(), 1e-9 * Math.abs(dot));
    // a batch that holds no probed example (numbers 40 to 43) reports no sharpness
    assertTrue(Double.isNaN(m.learn(TestBatches.batch(rnd, 4, D, CurvatureProbeTest::binary, false), 1.0)
        .stepSharpness()));
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
    assertTrue(Double.isFinite(r.previousGradientDot()));
  }
}
