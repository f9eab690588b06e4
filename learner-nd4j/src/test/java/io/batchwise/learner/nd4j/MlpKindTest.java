package io.batchwise.learner.nd4j;

import io.batchwise.learner.loss.LossKind;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.batchwise.learner.model.ModelFactory;
import io.batchwise.learner.model.RoundTripTest;
import io.batchwise.learner.snapshot.SnapshotCodec;
import io.batchwise.learner.stream.LearnerConfig;
import io.batchwise.learner.stream.LearningLoop;
import io.batchwise.policy.FixedPolicy;
import io.batchwise.schemas.LearnerCheckpoint;
import io.batchwise.schemas.ValueEncoding;

/**
 * The mlp as the learner reaches it: through the factory, restored from its state, checkpointed by the loop, its
 * batch bounded by the memory an example costs.
 */
class MlpKindTest {

  @Test
  void theFactoryFindsTheMlpAndReadsItsSpec() {
    assertInstanceOf(MultilayerPerceptron.class, ModelFactory.create("mlp:8", 6));
    assertEquals(10, ModelFactory.create("mlp:128,64:classes=10", 6).exportState().outputCount());
    assertEquals(LossKind.CROSS_ENTROPY, ModelFactory.create("mlp:16:classes=10", 6).exportState().loss());
    assertEquals("adam:0.001,0.9,0.999,1e-08", ModelFactory.create("mlp:8", 6).exportState().optimizerSpec());
    assertEquals("mlp:32,16:classes=4,activation=tanh,seed=3",
        ModelFactory.create("mlp:32,16:seed=3,activation=tanh,classes=4", 3).exportState().spec());
    assertThrows(IllegalArgumentException.class, () -> ModelFactory.create("mlp:0", 3));
    assertThrows(IllegalArgumentException.class, () -> ModelFactory.create("mlp:8:activation=sigmoid", 3));
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
      "mlp:8,4;",
      "mlp:6:classes=3,activation=tanh;adagrad:0.1",
      "mlp:5:loss=squared,seed=7;sgd:0.01",
      "mlp:5,5:precision=float64,l2=0.001;",
  })
  void restoredMlpPredictsAndLearnsIdentically(String spec, String optimizer) {
    RoundTripTest.assertRestoresIdentically(spec, optimizer);
  }

  /** The MLP's checkpoint keeps its state in float32, the precision it computes in; scoring is unchanged. */
  @Test
  void anMlpCheckpointsInFloat32AndScoresAsBefore() {
    LearningLoop loop = new LearningLoop("m", ModelFactory.create("mlp:8", 3), new FixedPolicy(4, 500));
    for (int i = 0; i < 40; i++) {
      loop.add(new double[] {i * 0.1, -0.3 * i, 1.0}, i % 2, 1.0, i, 0, 0);
      if (loop.batchFull()) {
        loop.step(0, 0);
      }
    }
    LearnerCheckpoint checkpoint = loop.checkpoint(0);
    assertEquals(ValueEncoding.FLOAT32_LE, checkpoint.getParameters().getEncoding());
    assertEquals(4 * (3 * 8 + 8 + 8 + 1), checkpoint.getParameters().getValues().remaining());
    LearningLoop restored = LearningLoop.restore(checkpoint, new FixedPolicy(4, 500), 0);
    double[] x = {0.5, -1.0, 1.0};
    assertArrayEquals(SnapshotCodec.model(loop.snapshot(0)).predict(x), SnapshotCodec.model(restored.snapshot(0)).predict(x),
        1e-6);
  }

  /** The learner tells goodput what an example costs: a small memory budget bounds a wide MLP's batch by itself. */
  @Test
  void theMemoryBudgetBoundsAWideMlpsBatchWithoutTheUsersHelp() {
    long bytes = ModelFactory.create("mlp:128,64", 784).bytesPerExample();
    assertTrue(bytes > 12 * 784, "the row in float64 and on the device at least: " + bytes);
    LearningLoop loop = new LearnerConfig(Map.of(LearnerConfig.MODEL_SPEC, "mlp:128,64",
        LearnerConfig.BATCH_POLICY, "goodput:memory=1MiB")).newLoop("m", 784);
    int limit = (int) ((1 << 20) / bytes);
    double[] row = new double[784];
    Random random = new Random(2);
    int largest = 0;
    for (int step = 0; step < 40; step++) {
      while (!loop.batchFull()) {
        for (int j = 0; j < row.length; j++) {
          row[j] = random.nextDouble();
        }
        loop.add(row, random.nextInt(2), 1.0, step, 0, 0);
      }
      loop.step(0, 1_000_000);  // a million events waiting: the policy wants large batches
      largest = Math.max(largest, loop.decision().batchSize());
    }
    assertTrue(largest <= limit, "batch " + largest + " within the budget's " + limit);
    assertTrue(largest >= limit / 2, "the backlog pushes the batch towards the budget: " + largest + " of " + limit);
  }
}
