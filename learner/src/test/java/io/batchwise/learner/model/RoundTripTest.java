package io.batchwise.learner.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Export then restore: identical predictions, and identical learning from there on. */
public class RoundTripTest {
  private static final int D = 4;

  private static ToDoubleFunction<double[]> labels(String spec) {
    if (spec.startsWith("linear") || spec.contains("loss=squared")) {
      return x -> x[0] - 2 * x[1] + 0.1;
    }
    if (spec.startsWith("softmax") || spec.contains("classes=3")) {
      return x -> Math.floorMod((int) Math.floor(x[0] - x[2]), 3);
    }
    return x -> x[0] + x[1] > 1 ? 1 : 0;
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
      "logistic;",
      "logistic:l2=0.01;sgd:0.2",
      "logistic:standardize=false;momentum:0.1,0.9",
      "logistic;ftrl:0.2,1,0.01,0.01",
      "linear;adagrad:0.5",
      "linear:huber:delta=2.0;adam:0.01",
      "softmax:3;",
      "softmax:3:l2=0.001;momentum:0.05",
  })
  void restoredModelPredictsAndLearnsIdentically(String spec, String optimizer) {
    assertRestoresIdentically(spec, optimizer);
  }

  /** Learns a few batches, exports and restores, and requires the two models to go on identically. */
  public static void assertRestoresIdentically(String spec, String optimizer) {
    Random rnd = new Random(11);
    ToDoubleFunction<double[]> label = labels(spec);
    OnlineModel original = ModelFactory.create(spec, optimizer, D);
    for (int b = 0; b < 5; b++) {
      original.learn(TestBatches.batch(rnd, 1 + 7 * b, D, label, true), 1.0);
    }
    ModelState state = original.exportState();
    OnlineModel restored = ModelFactory.restore(state);
    assertEquals(state.spec(), restored.exportState().spec());
    assertEquals(state.optimizerSpec(), restored.exportState().optimizerSpec());
    if (spec.contains("standardize=false")) {
      assertNull(state.standardizer());
    }
    for (int i = 0; i < 20; i++) {
      double[] x = TestBatches.features(rnd, D);
      assertArrayEquals(original.predict(x), restored.predict(x), 0.0);
    }
    MicroBatch next = TestBatches.batch(rnd, 6, D, label, false);
    StepResult a = original.learn(next, 0.7);
    StepResult b = restored.learn(next, 0.7);
    // the curvature probe and the consecutive-gradient product look at the previous step, which a restored
    // model did not take: NaN for its first step, everything else identical
    assertEquals(new StepResult(a.batchSize(), a.weightSum(), a.lossSum(), a.correctSum(),
        a.meanExampleGradientSquaredNorm(), a.meanGradientSquaredNorm(), a.learningRate()), b);
    assertArrayEquals(original.exportState().parameters(), restored.exportState().parameters(), 0.0);
    assertArrayEquals(original.exportState().optimizerState(), restored.exportState().optimizerState(), 0.0);
  }
}
