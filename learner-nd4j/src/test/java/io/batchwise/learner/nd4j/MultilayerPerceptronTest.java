package io.batchwise.learner.nd4j;

import io.batchwise.learner.loss.LossKind;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.learner.model.DifferentiableModel;
import io.batchwise.learner.model.GradientCheck;
import io.batchwise.learner.model.Layer;
import io.batchwise.learner.model.MicroBatch;
import io.batchwise.learner.model.ModelConfig;
import io.batchwise.learner.model.ModelFactory;
import io.batchwise.learner.model.ModelState;
import io.batchwise.learner.model.OnlineModel;
import io.batchwise.learner.model.StepResult;
import io.batchwise.learner.model.TestBatches;
import io.batchwise.learner.optim.Adam;
import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ND4J multilayer perceptron: gradients, statistics, and cross-checks against the fused models. */
class MultilayerPerceptronTest {
  private static final int D = 4;

  private static ToDoubleFunction<double[]> labels(String spec) {
    if (spec.contains("loss=")) {
      return x -> Math.sin(x[0]) + x[1] * x[2] * 0.3;
    }
    if (spec.contains("classes=3")) {
      return x -> Math.floorMod((int) Math.floor(x[0] - x[2]), 3);
    }
    return x -> x[0] * x[1] > 0.5 ? 1 : 0;
  }

  private static MultilayerPerceptron mlp(String spec) {
    return (MultilayerPerceptron) ModelFactory.create(spec, ModelConfig.DEFAULTS.withOptimizer("sgd:0.05"), D);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "mlp:6,5:precision=float64",
      "mlp:6,5:precision=float64,activation=tanh,l2=0.1",
      "mlp:7:precision=float64,classes=3,l2=0.05",
      "mlp:5,3:precision=float64,activation=tanh,loss=squared",
      "mlp:5:precision=float64,loss=huber,delta=0.3",
      "mlp:precision=float64,standardize=false",
  })
  void gradientMatchesFiniteDifferencesInDoublePrecision(String spec) {
    Random rnd = new Random(31);
    MultilayerPerceptron m = mlp(spec);
    m.learn(TestBatches.batch(rnd, 16, D, labels(spec), false), 1.0);
    // random biases too: a relu unit fed only by dead units with a zero bias sits exactly on its kink
    double[] theta = m.parameters();
    for (int j = 0; j < theta.length; j++) {
      theta[j] += 0.3 * rnd.nextGaussian();
    }
    m.setParameters(theta);
    GradientCheck.assertGradient(m, TestBatches.batch(rnd, 12, D, labels(spec), true), spec);
  }

  @Test
  void gradientStatisticsEqualBruteForcePerExampleGradients() {
    for (String spec : List.of("mlp:6,5:precision=float64,l2=0.2", "mlp:5:precision=float64,classes=3,activation=tanh")) {
      Random rnd = new Random(32);
      MultilayerPerceptron m = mlp(spec);
      m.learn(TestBatches.batch(rnd, 16, D, labels(spec), false), 1.0);
      MicroBatch batch = TestBatches.batch(rnd, 9, D, labels(spec), true);
      double l2 = spec.contains("l2=0.2") ? 0.2 : 0.0;
      ModelState shape = m.exportState();
      double[] theta = m.parameters();
      double[] reg = new double[theta.length];
      int off = 0;
      for (Layer layer : shape.layers()) {
        for (int k = 0; k < layer.inputs() * layer.outputs(); k++) {
          reg[off + k] = l2 * theta[off + k];
        }
        off += layer.parameterCount();
      }
      int n = batch.size();
      double weightSum = 0;
      for (int i = 0; i < n; i++) {
        weightSum += batch.weights()[i];
      }
      double meanSq = 0;
      double[] mean = new double[theta.length];
      double[] g = new double[theta.length];
      for (int i = 0; i < n; i++) {
        m.gradient(TestBatches.row(batch, i), g);
        double s = n * batch.weights()[i] / weightSum;
        for (int j = 0; j < g.length; j++) {
          double h = s * (g[j] - reg[j]) + reg[j];
          meanSq += h * h / n;
          mean[j] += h / n;
        }
      }
      double meanNormSq = 0;
      for (double v : mean) {
        meanNormSq += v * v;
      }
      StepResult r = m.learn(batch, 1.0);
      assertEquals(meanSq, r.meanExampleGradientSquaredNorm(), 1e-10 * meanSq, spec);
      assertEquals(meanNormSq, r.meanGradientSquaredNorm(), 1e-10 * meanNormSq, spec);
    }
  }

  /** An mlp without hidden layers is logistic regression: ND4J and the fused kernel must agree. */
  @Test
  void withoutHiddenLayersItMatchesTheFusedLogisticRegression() {
    Random rnd = new Random(33);
    ToDoubleFunction<double[]> label = x -> x[0] - x[3] > 0.2 ? 1 : 0;
    MultilayerPerceptron nd4j = (MultilayerPerceptron) ModelFactory.create("mlp:precision=float64,l2=0.01",
        "adam:0.05", D);
    OnlineModel fused = ModelFactory.create("logistic:l2=0.01", "adam:0.05", D);
    ((DifferentiableModel) fused).setParameters(nd4j.parameters());
    for (int b = 0; b < 30; b++) {
      MicroBatch batch = TestBatches.batch(rnd, 1 + b % 9, D, label, true);
      StepResult a = nd4j.learn(batch, 1.0);
      StepResult f = fused.learn(batch, 1.0);
      assertEquals(f.lossSum(), a.lossSum(), 1e-12 * (1 + f.lossSum()));
      assertEquals(f.correctSum(), a.correctSum(), 0.0);
      assertEquals(f.meanExampleGradientSquaredNorm(), a.meanExampleGradientSquaredNorm(),
          1e-12 * f.meanExampleGradientSquaredNorm());
      assertEquals(f.meanGradientSquaredNorm(), a.meanGradientSquaredNorm(), 1e-12 * f.meanGradientSquaredNorm());
    }
    assertArrayEquals(fused.exportState().parameters(), nd4j.parameters(), 1e-10);
    double[] x = TestBatches.features(rnd, D);
    assertEquals(fused.predict(x)[0], nd4j.predict(x)[0], 1e-12);
  }

  /** The K-class output without hidden layers is softmax regression. */
  @Test
  void withoutHiddenLayersItMatchesTheFusedSoftmaxRegression() {
    Random rnd = new Random(34);
    ToDoubleFunction<double[]> label = labels("classes=3");
    MultilayerPerceptron nd4j = (MultilayerPerceptron) ModelFactory.create("mlp:precision=float64,classes=3",
        "momentum:0.05", D);
    OnlineModel fused = ModelFactory.create("softmax:3", "momentum:0.05", D);
    ((DifferentiableModel) fused).setParameters(nd4j.parameters());
    for (int b = 0; b < 20; b++) {
      MicroBatch batch = TestBatches.batch(rnd, 8, D, label, false);
      StepResult a = nd4j.learn(batch, 1.0);
      StepResult f = fused.learn(batch, 1.0);
      assertEquals(f.lossSum(), a.lossSum(), 1e-12 * (1 + f.lossSum()));
      assertEquals(f.meanExampleGradientSquaredNorm(), a.meanExampleGradientSquaredNorm(),
          1e-12 * f.meanExampleGradientSquaredNorm());
    }
    double[] x = TestBatches.features(rnd, D);
    assertArrayEquals(fused.predict(x), nd4j.predict(x), 1e-12);
  }

  /** float32 is accurate enough: it tracks float64 closely over many steps. */
  @Test
  void singlePrecisionTracksDoublePrecision() {
    Random rnd = new Random(35);
    ToDoubleFunction<double[]> label = labels("binary");
    OnlineModel f32 = ModelFactory.create("mlp:16,8", D);
    OnlineModel f64 = ModelFactory.create("mlp:16,8:precision=float64", D);
    ((DifferentiableModel) f32).setParameters(((DifferentiableModel) f64).parameters());
    double loss32 = 0;
    double loss64 = 0;
    for (int b = 0; b < 50; b++) {
      MicroBatch batch = TestBatches.batch(rnd, 32, D, label, false);
      loss32 += f32.learn(batch, 1.0).lossSum();
      loss64 += f64.learn(batch, 1.0).lossSum();
    }
    assertEquals(loss64, loss32, 1e-4 * loss64);
    double[] x = TestBatches.features(rnd, D);
    assertEquals(f64.predict(x)[0], f32.predict(x)[0], 1e-4);
  }

  /** XOR is the classic problem no linear model solves; the default mlp does. */
  @Test
  void defaultMlpLearnsXor() {
    Random rnd = new Random(36);
    OnlineModel m = ModelFactory.create("mlp:16,8", "adam:0.01", 2);
    OnlineModel linear = ModelFactory.create("logistic", "adam:0.01", 2);
    double lossTail = 0;
    double linearTail = 0;
    double correctTail = 0;
    double weightTail = 0;
    for (int b = 0; b < 1500; b++) {
      MicroBatch batch = new MicroBatch(2, 16);
      for (int i = 0; i < 16; i++) {
        double[] x = {rnd.nextDouble() * 2 - 1, rnd.nextDouble() * 2 - 1};
        batch.add(x, x[0] * x[1] > 0 ? 1 : 0, 1.0);
      }
      StepResult r = m.learn(batch, 1.0);
      StepResult l = linear.learn(batch, 1.0);
      if (b >= 1400) {
        lossTail += r.lossSum();
        linearTail += l.lossSum();
        correctTail += r.correctSum();
        weightTail += r.weightSum();
      }
    }
    assertTrue(correctTail / weightTail > 0.95, "xor accuracy " + correctTail / weightTail);
    assertTrue(lossTail / weightTail < 0.2, "xor log loss " + lossTail / weightTail);
    assertTrue(linearTail / weightTail > 0.6, "a linear model cannot: " + linearTail / weightTail);
  }

  @Test
  void kerasExampleShape() {
    MultilayerPerceptron m = (MultilayerPerceptron) ModelFactory.create("mlp:128,64", 784);
    ModelState s = m.exportState();
    assertEquals(List.of(new Layer(784, 128, "relu"), new Layer(128, 64, "relu"),
        new Layer(64, 1, "sigmoid")), s.layers());
    assertEquals(LossKind.LOG, s.loss());
    assertEquals("adam:0.001,0.9,0.999,1e-08", s.optimizerSpec());
    assertEquals(784 * 128 + 128 + 128 * 64 + 64 + 65, s.parameters().length);
    assertEquals("mlp:128,64", s.spec());
  }

  @Test
  void adamFromTheSpecIsUsedAsGiven() {
    MultilayerPerceptron m = (MultilayerPerceptron) ModelFactory.create("mlp:4", "adam:0.01", D);
    assertEquals(new Adam(0.01).spec(), m.exportState().optimizerSpec());
  }
}
