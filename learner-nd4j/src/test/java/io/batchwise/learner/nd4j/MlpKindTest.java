package io.batchwise.learner.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.batchwise.learner.model.ModelFactory;
import io.batchwise.learner.model.RoundTripTest;
import io.batchwise.learner.snapshot.SnapshotCodec;
import io.batchwise.learner.stream.LearningLoop;
import io.batchwise.policy.FixedPolicy;
import io.batchwise.schemas.LearnerCheckpoint;
import io.batchwise.schemas.ValueEncoding;

/** The mlp as the learner reaches it: through the factory, restored from its state, checkpointed by the loop. */
class MlpKindTest {

  @Test
  void theFactoryFindsTheMlpAndReadsItsSpec() {
    assertInstanceOf(MultilayerPerceptron.class, ModelFactory.create("mlp:8", 6));
    assertEquals(10, ModelFactory.create("mlp:128,64:classes=10", 6).exportState().outputCount());
    assertEquals("cross-entropy", ModelFactory.create("mlp:16:classes=10", 6).exportState().loss());
    assertEquals("adam:0.001,0.9,0.999,1.0E-8", ModelFactory.create("mlp:8", 6).exportState().optimizerSpec());
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
}
