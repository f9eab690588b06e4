package io.batchwise.learner.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.batchwise.learner.loss.HuberLoss;
import io.batchwise.learner.loss.SquaredLoss;
import io.batchwise.learner.optim.Sgd;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Finite-difference checks of every linear model and loss, and of the gradient statistics. */
class LinearModelGradientTest {
  private static final int D = 5;

  private static void randomize(DifferentiableModel m, Random rnd) {
    double[] p = new double[m.parameterCount()];
    for (int j = 0; j < p.length; j++) {
      p[j] = 0.5 * rnd.nextGaussian();
    }
    m.setParameters(p);
  }

  /** Warms the standardizer with one learned batch, then sets random parameters. */
  private static void prepare(DifferentiableModel m, Random rnd, java.util.function.ToDoubleFunction<double[]> label) {
    m.learn(TestBatches.batch(rnd, 16, D, label, false), 1.0);
    randomize(m, rnd);
  }

  private static double binary(double[] x) {
    return x[0] - 0.5 * x[1] + 0.2 > 0 ? 1 : 0;
  }

  private static double real(double[] x) {
    return 2 * x[0] - x[2] + 0.5;
  }

  private static double threeClasses(double[] x) {
    return Math.floorMod((int) Math.floor(x[0] + x[1]), 3);
  }

  @Test
  void logisticGradientMatchesFiniteDifferences() {
    for (boolean standardize : new boolean[] {true, false}) {
      for (double l2 : new double[] {0.0, 0.3}) {
        Random rnd = new Random(1);
        LogisticRegression m = new LogisticRegression(D, new Sgd(0.1), standardize ? new Standardizer(D) : null, l2);
        prepare(m, rnd, LinearModelGradientTest::binary);
        GradientCheck.assertGradient(m, TestBatches.batch(rnd, 13, D, LinearModelGradientTest::binary, true),
            "logistic standardize=" + standardize + " l2=" + l2);
      }
    }
  }

  @Test
  void linearSquaredAndHuberGradientsMatchFiniteDifferences() {
    Random rnd = new Random(2);
    LinearRegression squared = new LinearRegression(D, new SquaredLoss(), new Sgd(0.01), new Standardizer(D), 0.1);
    prepare(squared, rnd, LinearModelGradientTest::real);
    GradientCheck.assertGradient(squared, TestBatches.batch(rnd, 11, D, LinearModelGradientTest::real, true), "squared");
    // delta small enough that some residuals are in the linear part, some in the quadratic part
    LinearRegression huber = new LinearRegression(D, new HuberLoss(1.5), new Sgd(0.01), new Standardizer(D), 0.0);
    prepare(huber, rnd, LinearModelGradientTest::real);
    GradientCheck.assertGradient(huber, TestBatches.batch(rnd, 11, D, LinearModelGradientTest::real, true), "huber");
  }

  @Test
  void softmaxGradientMatchesFiniteDifferences() {
    Random rnd = new Random(3);
    SoftmaxRegression m = new SoftmaxRegression(D, 3, new Sgd(0.1), new Standardizer(D), 0.2);
    prepare(m, rnd, LinearModelGradientTest::threeClasses);
    GradientCheck.assertGradient(m, TestBatches.batch(rnd, 17, D, LinearModelGradientTest::threeClasses, true),
        "softmax");
  }

  /**
   * The statistics learn() reports equal those computed from per-example gradients, each obtained
   * as the gradient of a one-example batch: mean_i |h_i|^2 and |mean_i h_i|^2 with
   * h_i = (n w_i / W) g_i + l2 w, whose mean is the gradient of the weighted objective.
   */
  @Test
  void gradientStatisticsEqualBruteForcePerExampleGradients() {
    Random rnd = new Random(4);
    DifferentiableModel[] models = {
        new LogisticRegression(D, new Sgd(0.1), new Standardizer(D), 0.25),
        new LinearRegression(D, new HuberLoss(1.0), new Sgd(0.01), new Standardizer(D), 0.1),
        new SoftmaxRegression(D, 3, new Sgd(0.1), null, 0.15),
    };
    java.util.List<java.util.function.ToDoubleFunction<double[]>> labels = java.util.List.of(
        LinearModelGradientTest::binary, LinearModelGradientTest::real, LinearModelGradientTest::threeClasses);
    for (int m = 0; m < models.length; m++) {
      DifferentiableModel model = models[m];
      prepare(model, rnd, labels.get(m));
      MicroBatch batch = TestBatches.batch(rnd, 9, D, labels.get(m), true);
      // the L2 part of every gradient: l2 * w on the weights, 0 on the biases
      double[] reg = new double[model.parameterCount()];
      double[] theta = model.parameters();
      int n = batch.size();
      double weightSum = 0;
      for (int i = 0; i < n; i++) {
        weightSum += batch.weights()[i];
      }
      double l2 = m == 0 ? 0.25 : m == 1 ? 0.1 : 0.15;
      int weights = m == 2 ? 3 * D : D;
      for (int j = 0; j < reg.length; j++) {
        reg[j] = j < weights ? l2 * theta[j] : 0.0;
      }
      double meanSq = 0;
      double[] mean = new double[reg.length];
      double[] g = new double[reg.length];
      for (int i = 0; i < n; i++) {
        model.gradient(TestBatches.row(batch, i), g);
        double s = n * batch.weights()[i] / weightSum;
        double sq = 0;
        for (int j = 0; j < g.length; j++) {
          double h = s * (g[j] - reg[j]) + reg[j];
          sq += h * h;
          mean[j] += h / n;
        }
        meanSq += sq / n;
      }
      double meanNormSq = 0;
      for (double v : mean) {
        meanNormSq += v * v;
      }
      StepResult r = model.learn(batch, 1.0);
      assertEquals(meanSq, r.meanExampleGradientSquaredNorm(), 1e-10 * meanSq, "model " + m);
      assertEquals(meanNormSq, r.meanGradientSquaredNorm(), 1e-10 * meanNormSq, "model " + m);
    }
  }
}
