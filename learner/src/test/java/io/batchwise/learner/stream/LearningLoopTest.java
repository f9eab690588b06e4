package io.batchwise.learner.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.batchwise.learner.model.ModelFactory;
import io.batchwise.learner.snapshot.SnapshotCodec;
import io.batchwise.policy.BatchingPolicies;
import io.batchwise.policy.FixedPolicy;
import io.batchwise.schemas.DenseFeatures;
import io.batchwise.schemas.LabelledEvent;
import io.batchwise.schemas.ModelSnapshot;
import io.batchwise.schemas.SparseFeatures;

class LearningLoopTest {
  private static LabelledEvent event(double label, Object features) {
    return LabelledEvent.newBuilder().setModelId("m").setEventId("e").setEventTime(Instant.EPOCH)
        .setFeatures(features).setLabel(label).build();
  }

  private static LabelledEvent dense(double label, Double... x) {
    return event(label, new DenseFeatures(List.of(x)));
  }

  @Test
  void rejectsWhatTheModelCannotLearn() {
    LearningLoop binary = new LearningLoop("m", ModelFactory.create("logistic", 3), new FixedPolicy(4, 500));
    assertNull(binary.rejectionReason(dense(1, 1.0, 2.0, 3.0)));
    assertNull(binary.rejectionReason(event(0, new SparseFeatures(3, List.of(0, 2), List.of(1.0, 2.0)))));
    assertTrue(binary.rejectionReason(dense(1, 1.0, 2.0)).contains("feature count 2"));
    assertTrue(binary.rejectionReason(dense(1, 1.0, Double.NaN, 3.0)).contains("NaN"));
    assertTrue(binary.rejectionReason(dense(0.5, 1.0, 2.0, 3.0)).contains("not 0 or 1"));
    assertTrue(binary.rejectionReason(dense(Double.NaN, 1.0, 2.0, 3.0)).contains("label is NaN"));
    assertTrue(binary.rejectionReason(event(0, new SparseFeatures(3, List.of(2, 1), List.of(1.0, 2.0))))
        .contains("out of order"));
    assertTrue(binary.rejectionReason(event(0, new SparseFeatures(3, List.of(0, 3), List.of(1.0, 2.0))))
        .contains("outside"));
    assertTrue(binary.rejectionReason(event(0, new SparseFeatures(4, List.of(0), List.of(1.0)))).contains("size 4"));
    LabelledEvent negative = dense(1, 1.0, 2.0, 3.0);
    negative.setWeight(-1.0);
    assertTrue(binary.rejectionReason(negative).contains("weight"));

    LearningLoop multiclass = new LearningLoop("m", ModelFactory.create("softmax:3", 2), new FixedPolicy(4, 500));
    assertNull(multiclass.rejectionReason(dense(2, 1.0, 2.0)));
    assertTrue(multiclass.rejectionReason(dense(3, 1.0, 2.0)).contains("class index"));
    assertTrue(multiclass.rejectionReason(dense(1.5, 1.0, 2.0)).contains("class index"));

    LearningLoop regression = new LearningLoop("m", ModelFactory.create("linear", 2), new FixedPolicy(4, 500));
    assertNull(regression.rejectionReason(dense(-17.25, 1.0, 2.0)));
  }

  @Test
  void sparseAndDenseFormsOfAnEventLearnTheSame() {
    LearningLoop sparse = new LearningLoop("m", ModelFactory.create("logistic", 4), new FixedPolicy(2, 500));
    LearningLoop dense = new LearningLoop("m", ModelFactory.create("logistic", 4), new FixedPolicy(2, 500));
    sparse.add(event(1, new SparseFeatures(4, List.of(1, 3), List.of(2.0, -1.0))), 0, 0);
    sparse.add(event(0, new SparseFeatures(4, List.of(0), List.of(0.5))), 0, 0);
    dense.add(dense(1, 0.0, 2.0, 0.0, -1.0), 0, 0);
    dense.add(dense(0, 0.5, 0.0, 0.0, 0.0), 0, 0);
    sparse.step(0, 0);
    dense.step(0, 0);
    assertEquals(dense.state(0).getParameters(), sparse.state(0).getParameters());
    assertEquals(dense.state(0).getStandardizer(), sparse.state(0).getStandardizer());
  }

  /** Ten events per millisecond for 300 ms, learned one at a time: 10,000 events/s. */
  @Test
  void measuresTheArrivalRateFromRecordTimestampsEvenWhenManyShareAMillisecond() {
    LearningLoop loop = new LearningLoop("m", ModelFactory.create("logistic", 2), new FixedPolicy(1, 500));
    for (int i = 0; i < 3000; i++) {
      loop.add(dense(i % 2, 1.0, -1.0), 1_000_000 + i / 10, 5);
      loop.step(5, 0);
    }
    assertEquals(10_000, loop.arrivalRate(), 200);
  }

  @Test
  void restoredLoopContinuesWhereTheStoredStateLeftOff() {
    LearningLoop loop = new LearningLoop("m", ModelFactory.create("logistic", 2),
        BatchingPolicies.parse("goodput", 500, "sgd"));
    for (int i = 0; i < 50; i++) {
      loop.add(dense(i % 2, i * 0.1, 1.0 - i * 0.05), 1000 + i, 1000 + i);
      if (loop.batchFull()) {
        loop.step(1000 + i, 0);
      }
    }
    loop.countDeadLetter();
    loop.nextVersion(2000);
    ModelSnapshot stored = loop.state(2000, 42);
    LearningLoop restored = LearningLoop.restore(stored, SnapshotCodec.model(stored),
        BatchingPolicies.parse(stored.getBatchingPolicy(), 500, stored.getOptimizer().getSpec()));
    ModelSnapshot again = restored.state(2000, 42);
    assertEquals(stored.getExamplesSeen(), again.getExamplesSeen());
    assertEquals(stored.getVersion(), again.getVersion());
    assertEquals(stored.getBatchSize(), again.getBatchSize());
    assertEquals(stored.getLearningRate(), again.getLearningRate(), 1e-15);
    assertEquals(stored.getPolicyState(), again.getPolicyState());
    assertEquals(stored.getParameters(), again.getParameters());
    assertEquals(1, again.getDeadLetters());
    assertEquals(42, again.getLearnedThrough());
    double[] x = {0.3, 0.7};
    assertArrayEquals(SnapshotCodec.model(stored).predict(x), SnapshotCodec.model(again).predict(x), 0.0);
  }
}
