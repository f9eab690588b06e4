package io.batchwise.learner.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.batchwise.learner.model.ModelFactory;
import io.batchwise.learner.snapshot.SnapshotCodec;
import io.batchwise.policy.BatchingPolicies;
import io.batchwise.policy.BatchingPolicy;
import io.batchwise.policy.FixedPolicy;
import io.batchwise.schemas.DenseFeatures;
import io.batchwise.schemas.LabelledEvent;
import io.batchwise.schemas.DecodedEvent;
import io.batchwise.schemas.LearnerCheckpoint;
import io.batchwise.schemas.Serdes;
import io.batchwise.schemas.SparseFeatures;
import io.batchwise.schemas.TrainingMetrics;

class LearningLoopTest {
  private static DecodedEvent event(double label, Object features) {
    return event(label, features, null);
  }

  private static DecodedEvent event(double label, Object features, Double weight) {
    return new DecodedEvent().set(LabelledEvent.newBuilder().setModelId("m").setEventId("e").setEventTime(Instant.EPOCH)
        .setFeatures(features).setLabel(label).setWeight(weight).build());
  }

  private static DecodedEvent dense(double label, Double... x) {
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
    assertTrue(binary.rejectionReason(event(1, new DenseFeatures(List.of(1.0, 2.0, 3.0)), -1.0)).contains("weight"));
    assertTrue(binary.rejectionReason(dense(1)).contains("no features"));

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
    sparse.add(event(1, new SparseFeatures(4, List.of(1, 3), List.of(2.0, -1.0))), 0, 0, 0);
    sparse.add(event(0, new SparseFeatures(4, List.of(0), List.of(0.5))), 1, 0, 0);
    dense.add(dense(1, 0.0, 2.0, 0.0, -1.0), 0, 0, 0);
    dense.add(dense(0, 0.5, 0.0, 0.0, 0.0), 1, 0, 0);
    sparse.step(0, 0);
    dense.step(0, 0);
    assertEquals(dense.snapshot(0).getParameters(), sparse.snapshot(0).getParameters());
    assertEquals(dense.snapshot(0).getStandardizer(), sparse.snapshot(0).getStandardizer());
  }

  /** Ten events per millisecond for 300 ms, learned one at a time: 10,000 events/s. */
  @Test
  void measuresTheArrivalRateFromRecordTimestampsEvenWhenManyShareAMillisecond() {
    LearningLoop loop = new LearningLoop("m", ModelFactory.create("logistic", 2), new FixedPolicy(1, 500));
    for (int i = 0; i < 3000; i++) {
      loop.add(dense(i % 2, 1.0, -1.0), i, 1_000_000 + i / 10, 5);
      loop.step(5, 0);
    }
    assertEquals(10_000, loop.arrivalRate(), 200);
  }

  @Test
  void restoredLoopContinuesWhereItsCheckpointLeftOff() {
    assertRestoresExactly("goodput", false);
    assertRestoresExactly("fixed:4", true);
  }

  @Test
  void checkpointWhosePolicyStateThisBuildCannotReadRestoresTheModelAndAFreshPolicy() {
    LearningLoop loop = new LearningLoop("m", ModelFactory.create("logistic", 2), BatchingPolicies.parse("goodput", 500, "sgd"));
    for (int i = 0; i < 20; i++) {
      loop.add(dense(i % 2, i * 0.1, 1.0 - i * 0.05), 100 + i, 1000 + i, 1000 + i);
      if (loop.batchFull()) {
        loop.step(1000 + i, 0);
      }
    }
    loop.nextVersion(2000);
    LearnerCheckpoint stored = loop.checkpoint(2000);
    LearnerCheckpoint older = LearnerCheckpoint.newBuilder(stored).setPolicyState(List.of(5.0, 1.0, 2.0)).build();
    BatchingPolicy policy = BatchingPolicies.parse("goodput", 500, "sgd");
    LearningLoop restored = LearningLoop.restore(older, policy, 2000);
    assertEquals(stored.getExamplesSeen(), restored.examplesSeen());
    assertEquals(loop.snapshot(2000), restored.snapshot(2000));
    BatchingPolicy fresh = BatchingPolicies.parse("goodput", 500, "sgd");
    fresh.initial();
    assertEquals(fresh.exportState(), policy.exportState(), "the policy as new");
  }

  /**
   * A checkpoint round trip gives the same state; with a fixed batch size (goodput's decisions depend on measured
   * times) the restored loop then learns exactly as a twin that never stopped.
   */
  private static void assertRestoresExactly(String policy, boolean continueLearning) {
    LearningLoop loop = new LearningLoop("m", ModelFactory.create("logistic", 2), BatchingPolicies.parse(policy, 500, "sgd"));
    LearningLoop twin = new LearningLoop("m", ModelFactory.create("logistic", 2), BatchingPolicies.parse(policy, 500, "sgd"));
    for (int i = 0; i < 50; i++) {
      for (LearningLoop l : List.of(loop, twin)) {
        DecodedEvent event = dense(i % 2, i * 0.1, 1.0 - i * 0.05);
        if (i == 3) {
          event.featureNames(List.of("x", "y"));
        }
        l.add(event, 100 + i, 1000 + i, 1000 + i);
        if (l.batchFull()) {
          l.step(1000 + i, 0);
        }
      }
    }
    loop.restoreDeadLetters(1);
    loop.nextVersion(2000);
    LearnerCheckpoint stored = loop.checkpoint(2000);
    LearnerCheckpoint decoded = Serdes.learnerCheckpoint().deserialize("t", Serdes.learnerCheckpoint().serialize("t", stored));
    LearningLoop restored = LearningLoop.restore(decoded,
        BatchingPolicies.parse(decoded.getBatchingPolicy(), 500, decoded.getOptimizerSpec()), 2000);
    restored.restoreDeadLetters(1);
    assertEquals(stored, restored.checkpoint(2000), "the same state, to the last bit");
    assertEquals(loop.snapshot(2000), restored.snapshot(2000));
    assertEquals(1, restored.snapshot(2000).getDeadLetters());
    assertEquals(List.of("x", "y"), restored.snapshot(2000).getFeatureNames(), "named from the fourth event on");
    assertEquals(loop.nextOffset(), restored.nextOffset());
    if (!continueLearning) {
      return;
    }
    // the buffered events are not in the checkpoint: the host reads them back from its input, as after a crash
    for (int i = 0; i < 50; i++) {
      if (100 + i >= restored.nextOffset()) {
        restored.add(dense(i % 2, i * 0.1, 1.0 - i * 0.05), 100 + i, 1000 + i, 1000 + i);
      }
    }
    // from here the restored loop learns exactly as the one that never stopped
    for (int i = 50; i < 80; i++) {
      for (LearningLoop l : List.of(twin, restored)) {
        l.add(dense(i % 2, i * 0.1, 1.0 - i * 0.05), 100 + i, 1000 + i, 1000 + i);
        if (l.batchFull()) {
          l.step(1000 + i, 0);
        }
      }
    }
    twin.nextVersion(3000);
    restored.nextVersion(3000);
    assertEquals(twin.snapshot(3000).getParameters(), restored.snapshot(3000).getParameters());
    double[] x = {0.3, 0.7};
    assertArrayEquals(SnapshotCodec.model(twin.snapshot(3000)).predict(x), SnapshotCodec.model(restored.snapshot(3000)).predict(x), 0.0);
  }

  /**
   * Publishing keeps to its share of the thread's time by the lesser of the last two publications' costs: one slow
   * publication (the JVM's first) does not hold back the next; two slow ones in a row do.
   */
  @Test
  void publicationBudgetCountsTheLesserOfTheLastTwoCosts() {
    LearningLoop loop = new LearningLoop("m", ModelFactory.create("logistic", 2), new FixedPolicy(1, 500));
    long[] costsMillis = {60, 2, 30, 40};
    boolean[] dueAfter200Ms = {true, true, true, false};
    for (int i = 0; i < costsMillis.length; i++) {
      long now = 200L * (i + 1) * 1_000_000;
      loop.add(dense(1, 1.0, 2.0), loop.nextOffset(), 0, now);
      loop.step(now, 0);
      assertTrue(loop.publishDue(now, 200, 0, 0.05, false), "publication " + i);
      loop.nextVersion(now);
      loop.publishCost(costsMillis[i] * 1_000_000);
      loop.add(dense(0, 1.0, 2.0), loop.nextOffset(), 0, now);
      loop.step(now, 0);
      assertEquals(dueAfter200Ms[i], loop.publishDue(now + 200_000_000, 200, 0, 0.05, false), "after publication " + i);
    }
    assertTrue(loop.publishDue(1_400_000_000L, 200, 0, 0.05, false), "30 ms at 5% is 600 ms after the last, at 800 ms");
    assertFalse(loop.publishDue(999_999_999L, 200, 0, 0.05, true), "an idle input: the interval still holds");
    assertTrue(loop.publishDue(1_000_000_000L, 200, 0, 0.05, true), "an idle input: only the interval holds");
  }

  /** A dead letter after the last update still reaches a snapshot: the model's count would stay behind otherwise. */
  @Test
  void deadLetterAfterTheLastUpdateIsPublished() {
    LearningLoop loop = new LearningLoop("m", ModelFactory.create("logistic", 2), new FixedPolicy(1, 500));
    loop.add(dense(1, 1.0, 2.0), 0, 0, 0);
    loop.step(0, 0);
    loop.nextVersion(0);
    assertFalse(loop.hasUnpublishedChanges());
    loop.countDeadLetter();
    assertTrue(loop.hasUnpublishedChanges());
    loop.nextVersion(0);
    assertEquals(1, loop.snapshot(0).getDeadLetters());
    assertFalse(loop.hasUnpublishedChanges());
  }

  /** A checkpoint lacks the buffered events: the offset of the first one is where a restart reads back from. */
  @Test
  void tracksTheOffsetsACheckpointIncludes() {
    LearningLoop loop = new LearningLoop("m", ModelFactory.create("logistic", 2), new FixedPolicy(2, 500));
    assertEquals(-1, loop.firstUncheckpointedOffset());
    loop.add(dense(1, 1.0, 2.0), 10, 0, 0);
    loop.add(dense(0, 1.0, 2.0), 12, 0, 0);
    loop.step(0, 0);
    loop.add(dense(0, 1.0, 2.0), 15, 0, 0);
    assertEquals(13, loop.nextOffset());
    assertEquals(10, loop.firstUncheckpointedOffset());
    loop.nextVersion(0);
    assertEquals(13, loop.checkpoint(0).getNextOffset());
    assertEquals(15, loop.firstUncheckpointedOffset(), "the buffered event is not in the checkpoint");
    loop.add(dense(1, 1.0, 2.0), 16, 0, 0);
    loop.step(0, 0);
    loop.nextVersion(0);
    assertEquals(-1, loop.firstUncheckpointedOffset());
  }

  /** One summary covers the updates since the last: their examples, batch sizes and loss, exactly. */
  @Test
  void summarizesTheUpdatesOfAnInterval() {
    LearningLoop loop = new LearningLoop("m", ModelFactory.create("logistic", 2), new FixedPolicy(3, 500));
    double lossSum = 0;
    for (int i = 0; i < 7; i++) {
      loop.add(dense(i % 2, 0.1 * i, 1.0), i, 0, 0);
      if (loop.batchFull() || i == 6) {
        lossSum += loop.step(1_000_000L * i, 0).lossSum();
      }
    }
    TrainingMetrics summary = loop.closeInterval(9, 4);
    assertEquals(3, summary.getUpdates());
    assertEquals(7, summary.getExamples());
    assertEquals(1, summary.getBatchSizeMin());
    assertEquals(3, summary.getBatchSizeMax());
    assertEquals(lossSum, summary.getLossSum(), 0.0);
    assertEquals(7.0, summary.getWeightSum(), 0.0);
    assertEquals(loop.meanLoss(), summary.getLossSum() / summary.getWeightSum(), 1e-15);
    assertEquals(4, summary.getLag());
    TrainingMetrics next = loop.closeInterval(20, 0);
    assertEquals(0, next.getUpdates());
    assertEquals(9, next.getIntervalStart().toEpochMilli());
  }

  /**
   * A model's first interval starts when its first event arrives, whatever the batch size: at B = 4 the first update
   * comes three events later, and a summary that started there would leave out the time spent reading them.
   */
  @Test
  void firstIntervalStartsAtTheFirstEvent() {
    LearningLoop loop = new LearningLoop("m", ModelFactory.create("logistic", 2), new FixedPolicy(4, 500));
    for (int i = 0; i < 4; i++) {
      loop.add(dense(i % 2, 0.1 * i, 1.0), i, 0, 1_000_000L * (5 + 10 * i));
    }
    loop.step(35_000_000L, 0);
    TrainingMetrics first = loop.closeInterval(40, 0);
    assertEquals(5, first.getIntervalStart().toEpochMilli());
    loop.add(dense(1, 0.5, 1.0), 4, 0, 50_000_000L);
    assertEquals(40, loop.closeInterval(60, 0).getIntervalStart().toEpochMilli(), "later intervals start at the last close");
  }
}
