package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.ToDoubleFunction;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.batchwise.client.SnapshotModel;
import io.batchwise.learner.model.ModelFactory;
import io.batchwise.learner.model.OnlineModel;
import io.batchwise.learner.stream.LearningLoop;
import io.batchwise.policy.FixedPolicy;
import io.batchwise.schemas.ModelSnapshot;
import io.batchwise.schemas.Serdes;

/**
 * The client scores every model kind as the learner does: a model learns through the real loop, its snapshot
 * goes through the published encoding, and the client's plain-Java forward pass must give the learner's own
 * {@code OnlineModel.predict}, to 1e-6 relative in float64 and 1e-4 where the mlp computes in float32.
 */
class ClientScoringTest {
  private static final int D = 5;

  /** Raw features on different scales, a constant one, and now and then a value far outside the rest (clipped). */
  private static double[] features(Random rnd, boolean outlier) {
    return new double[] {3 + 2 * rnd.nextGaussian(), -1 + 0.1 * rnd.nextGaussian(), 7.0, rnd.nextGaussian(),
        outlier ? 1e4 : 100 + 10 * rnd.nextGaussian()};
  }

  private static ToDoubleFunction<double[]> labels(String spec) {
    if (spec.startsWith("linear") || spec.contains("loss=")) {
      return x -> 0.5 * x[0] - 3 * x[1] + Math.sin(x[3]) + 0.01 * x[4];
    }
    if (spec.startsWith("softmax") || spec.contains("classes=")) {
      return x -> Math.floorMod((int) Math.floor(x[0] + x[3]), 3);
    }
    return x -> x[0] * x[3] > 1 ? 1 : 0;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      "logistic;1e-6",
      "logistic:standardize=false,l2=0.01;1e-6",
      "linear;1e-6",
      "linear:huber;1e-6",
      "softmax:3;1e-6",
      "mlp:16,8;1e-4",
      "mlp:12,6:classes=3,activation=tanh;1e-4",
      "mlp:8:loss=squared;1e-4",
      "mlp:10,5:precision=float64,activation=tanh;1e-6",
      "mlp:6:precision=float64,loss=huber;1e-6",
      "mlp:precision=float64,classes=3;1e-6",
  })
  void clientMatchesTheLearner(String spec, double tolerance) {
    Random rnd = new Random(spec.hashCode());
    ToDoubleFunction<double[]> label = labels(spec);
    OnlineModel model = ModelFactory.create(spec, spec.startsWith("mlp") ? "adam:0.01" : null, D);
    LearningLoop loop = new LearningLoop("m", model, new FixedPolicy(16, 500));
    for (int i = 0; i < 400; i++) {
      double[] x = features(rnd, false);
      loop.add(x, label.applyAsDouble(x), 1.0, i, 0, 0);
      if (loop.batchFull()) {
        loop.step(0, 0);
      }
    }
    loop.nextVersion(0);
    byte[] published = Serdes.modelSnapshot().serialize("model-snapshots", loop.snapshot(0));
    SnapshotModel client = SnapshotModel.of(Serdes.modelSnapshot().deserialize("model-snapshots", published));

    assertEquals(model.exportState().outputCount(), client.predict(features(rnd, false)).length);
    for (int i = 0; i < 200; i++) {
      double[] x = features(rnd, i % 20 == 0);
      assertAgrees(model.predict(x), client.predict(x), tolerance, spec);
    }
  }

  /** Every output within {@code tolerance} of the learner's, relative to the larger of the two. */
  static void assertAgrees(double[] learner, double[] client, double tolerance, String what) {
    assertEquals(learner.length, client.length, what);
    for (int k = 0; k < learner.length; k++) {
      double scale = Math.max(Math.abs(learner[k]), Math.abs(client[k]));
      assertTrue(Math.abs(learner[k] - client[k]) <= tolerance * scale,
          what + ": output " + k + " is " + client[k] + ", the learner's " + learner[k]);
    }
  }
}
