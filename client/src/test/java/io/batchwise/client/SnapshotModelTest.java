package io.batchwise.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.batchwise.schemas.LayerShape;
import io.batchwise.schemas.ModelArchitecture;
import io.batchwise.schemas.ModelSnapshot;
import io.batchwise.schemas.OptimizerState;
import io.batchwise.schemas.PrequentialMetrics;
import io.batchwise.schemas.StandardizerState;

/** The forward pass against values worked out by hand; the learner's own outputs are matched in the app's tests. */
class SnapshotModelTest {

  static ModelSnapshot snapshot(int featureCount, List<LayerShape> layers, double[] parameters,
      StandardizerState standardizer) {
    int outputs = layers.get(layers.size() - 1).getOutputs();
    return ModelSnapshot.newBuilder()
        .setModelId("m")
        .setVersion(3)
        .setCreatedAt(Instant.EPOCH)
        .setExamplesSeen(0)
        .setUpdates(0)
        .setArchitecture(new ModelArchitecture("test", "test", featureCount, outputs, layers, "log"))
        .setParameters(list(parameters))
        .setOptimizer(new OptimizerState("sgd:0.1", 0L))
        .setStandardizer(standardizer)
        .setBatchSize(1)
        .setLearningRate(0.1)
        .setBatchingPolicy("fixed:1")
        .setMetrics(new PrequentialMetrics(0.0, 0.0, 0.0, 0.0, 0.0))
        .build();
  }

  static List<Double> list(double... values) {
    List<Double> list = new ArrayList<>();
    for (double v : values) {
      list.add(v);
    }
    return list;
  }

  private static LayerShape layer(int inputs, int outputs, String activation) {
    return new LayerShape(inputs, outputs, activation);
  }

  @Test
  void logisticIsTheSigmoidOfTheAffineScore() {
    SnapshotModel m = SnapshotModel.of(snapshot(2, List.of(layer(2, 1, "sigmoid")), new double[] {0.5, -2, 0.25},
        null));
    double z = 0.5 * 3 - 2 * 1 + 0.25;
    assertArrayEquals(new double[] {1 / (1 + Math.exp(-z))}, m.predict(new double[] {3, 1}), 1e-15);
    assertFalse(m.isRegression());
    assertEquals(2, m.featureCount());
  }

  @Test
  void standardizesWithWelfordStatisticsAndClips() {
    // count 4: feature 0 has variance 16 / 4 = 4 (std 2), feature 1 is constant, feature 2 has std 0.1
    StandardizerState s = new StandardizerState(4.0, list(1, 7, 0), list(16, 1e-20, 0.04));
    SnapshotModel m = SnapshotModel.of(snapshot(3, List.of(layer(3, 1, "identity")), new double[] {1, 1, 1, 0}, s));
    // (5 - 1) / 2 = 2; the constant feature gives 0 whatever its value; (1 - 0) / 0.1 = 10 clips to 5
    assertArrayEquals(new double[] {2 + 0 + 5}, m.predict(new double[] {5, 100, 1}), 1e-12);
    assertArrayEquals(new double[] {-1 + 0 - 5}, m.predict(new double[] {-1, 7, -3}), 1e-12);
    assertTrue(m.isRegression());
  }

  @Test
  void beforeAnyExampleEveryStandardizedFeatureIsZero() {
    StandardizerState s = new StandardizerState(0.0, list(0, 0), list(0, 0));
    SnapshotModel m = SnapshotModel.of(snapshot(2, List.of(layer(2, 1, "identity")), new double[] {1, 1, 0.5}, s));
    assertArrayEquals(new double[] {0.5}, m.predict(new double[] {3, -4}), 0.0);
  }

  @Test
  void softmaxGivesClassProbabilitiesFromRowMajorWeights() {
    // rows = classes: z = (x0, x1, -x0 - x1) + (0, 0, 1)
    SnapshotModel m = SnapshotModel.of(snapshot(2, List.of(layer(2, 3, "softmax")),
        new double[] {1, 0, 0, 1, -1, -1, 0, 0, 1}, null));
    double[] p = m.predict(new double[] {2, 1});
    double[] e = {Math.exp(2), Math.exp(1), Math.exp(-2)};
    double sum = e[0] + e[1] + e[2];
    assertArrayEquals(new double[] {e[0] / sum, e[1] / sum, e[2] / sum}, p, 1e-15);
    double[] huge = m.predict(new double[] {1000, 0});
    assertEquals(1.0, huge[0], 1e-15, "no overflow for large logits");
  }

  @Test
  void hiddenLayersApplyTheirActivationsInOrder() {
    // 2 -> 2 relu -> 2 tanh -> 1 sigmoid
    double[] parameters = {
        1, -1, 2, 1, /* bias */ 0, -10,
        0.5, 0, 0, -0.5, /* bias */ 0, 0.1,
        1, 2, /* bias */ -0.3};
    SnapshotModel m = SnapshotModel.of(snapshot(2, List.of(layer(2, 2, "relu"), layer(2, 2, "tanh"),
        layer(2, 1, "sigmoid")), parameters, null));
    double[] x = {3, 1};
    double h1a = Math.max(0, 3 - 1);            // 2
    double h1b = Math.max(0, 2 * 3 + 1 - 10);   // 0: relu cuts it
    double h2a = Math.tanh(0.5 * h1a);
    double h2b = Math.tanh(-0.5 * h1b + 0.1);
    double z = h2a + 2 * h2b - 0.3;
    assertArrayEquals(new double[] {1 / (1 + Math.exp(-z))}, m.predict(x), 1e-15);
  }

  @Test
  void rejectsSnapshotsThatDoNotAddUp() {
    assertThrows(IllegalArgumentException.class, () -> SnapshotModel.of(snapshot(2,
        List.of(layer(2, 1, "sigmoid")), new double[] {1, 2}, null)), "a parameter short");
    assertThrows(IllegalArgumentException.class, () -> SnapshotModel.of(snapshot(2,
        List.of(layer(2, 2, "relu"), layer(3, 1, "sigmoid")), new double[10], null)), "layers that do not chain");
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> SnapshotModel.of(
        snapshot(2, List.of(layer(2, 1, "gelu")), new double[3], null)));
    assertEquals("unknown activation 'gelu'", unknown.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SnapshotModel.of(snapshot(2,
        List.of(layer(2, 1, "sigmoid")), new double[3], new StandardizerState(1.0, list(0), list(0)))),
        "statistics for another feature count");
  }

  @Test
  void rejectsAVectorOfAnotherLength() {
    SnapshotModel m = SnapshotModel.of(snapshot(2, List.of(layer(2, 1, "sigmoid")), new double[3], null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.predict(new double[3]));
    assertEquals("model m takes 2 features, got 3", e.getMessage());
  }
}
