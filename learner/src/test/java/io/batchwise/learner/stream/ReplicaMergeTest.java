package io.batchwise.learner.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.batchwise.learner.model.DifferentiableModel;
import io.batchwise.learner.model.ModelFactory;
import io.batchwise.policy.BatchingPolicies;
import io.batchwise.policy.FixedPolicy;
import io.batchwise.policy.LearningRateCoupling;
import io.batchwise.policy.SyncPeriod;
import io.batchwise.schemas.LearnerCheckpoint;
import io.batchwise.schemas.MergedModel;
import io.batchwise.schemas.ModelDelta;
import io.batchwise.schemas.ModelSnapshot;
import io.batchwise.schemas.Serdes;
import io.batchwise.schemas.TrainingMetrics;

/** A model's replicas and its merge, driven by hand as the processor drives them, without Kafka. */
class ReplicaMergeTest {
  private static final SyncPeriod EVERY_TWO = SyncPeriod.parse("2", 1000);
  private static final long SECOND = 1_000_000_000L;

  private final Random random = new Random(3);
  private final List<TrainingMetrics> summaries = new ArrayList<>();
  private long offset;

  private static LearningLoop loop() {
    return new LearningLoop("m", ModelFactory.create("logistic", 3), new FixedPolicy(8, 500));
  }

  /** n events of a noisy linear concept; returns how many. */
  private int learn(LearningLoop loop, int n, long nowNanos) {
    for (int i = 0; i < n; i++) {
      double[] x = {random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
      double label = x[0] + x[1] - x[2] + 0.3 * random.nextGaussian() > 0 ? 1 : 0;
      loop.add(x, label, 1, offset++, nowNanos / 1_000_000, nowNanos);
      if (loop.batchFull()) {
        loop.step(nowNanos, 0);
      }
    }
    return n;
  }

  /** A publication at the home, as the processor makes it: version, checkpoint, summary, then the merged model. */
  private MergedModel publish(ModelMerge merge, long nowNanos) {
    LearningLoop loop = merge.loop();
    loop.nextVersion(nowNanos);
    loop.checkpoint(nowNanos / 1_000_000);
    TrainingMetrics summary = loop.closeInterval(nowNanos / 1_000_000, 0);
    merge.describe(summary, nowNanos);
    summaries.add(summary);
    return merge.mergedModel(nowNanos / 1_000_000, nowNanos, true);
  }

  @Test
  void everyReplicasExamplesCountOnceHoweverOftenItsDeltaArrives() {
    ModelMerge merge = new ModelMerge(loop(), LearningRateCoupling.ADASCALE, null);
    ModelReplica one = ModelReplica.start(loop(), 1, EVERY_TWO, 0);
    ModelReplica two = ModelReplica.start(loop(), 2, EVERY_TWO, 0);
    long learned = 0;
    long now = SECOND;
    for (int round = 0; round < 20; round++) {
      learned += learn(merge.loop(), 24, now) + learn(one.loop(), 24, now) + learn(two.loop(), 24, now);
      ModelDelta a = one.nextDelta(now, now / 1_000_000, 0);
      ModelDelta b = two.nextDelta(now, now / 1_000_000, 0);
      assertNotNull(a);
      assertNotNull(b);
      assertNull(one.nextDelta(now, now / 1_000_000, 0), "one delta in flight at a time");
      assertTrue(merge.merge(a, 0, now));
      assertTrue(merge.merge(b, 0, now));
      assertFalse(merge.merge(a, 0, now), "the same sequence number twice counts once");
      MergedModel merged = publish(merge, now);
      assertEquals(2, merged.getReplicas().size());
      assertTrue(one.rebase(merged));
      assertTrue(two.rebase(merged));
      now += SECOND / 10;
    }
    // the events still buffered at the end are learned at their max wait, and their deltas merged
    for (ModelReplica replica : List.of(one, two)) {
      replica.loop().step(now, 0);
      now += SECOND;
      assertTrue(merge.merge(replica.nextDelta(now, now / 1_000_000, 0), 0, now));
    }
    merge.loop().step(now, 0);
    publish(merge, now);
    assertEquals(learned, merge.loop().examplesSeen());
    assertEquals(learned, summaries.stream().mapToLong(TrainingMetrics::getExamples).sum(),
        "every example in exactly one published summary");
    assertEquals(merge.loop().updates(), summaries.stream().mapToLong(TrainingMetrics::getUpdates).sum());
    assertEquals(2, summaries.get(5).getMerges());
    assertEquals(3, summaries.get(5).getLearners());
  }

  @Test
  void aReplicaTakesTheMergedModelAndKeepsWhatItLearnedSince() {
    ModelMerge merge = new ModelMerge(loop(), LearningRateCoupling.LINEAR, null);
    ModelReplica replica = ModelReplica.start(loop(), 1, EVERY_TWO, 0);
    DifferentiableModel home = (DifferentiableModel) merge.loop().model();
    DifferentiableModel local = (DifferentiableModel) replica.loop().model();
    learn(merge.loop(), 40, SECOND);
    learn(replica.loop(), 40, SECOND);
    merge.merge(replica.nextDelta(SECOND, 1000, 0), 0, SECOND);
    MergedModel first = publish(merge, SECOND);
    assertTrue(replica.rebase(first));
    assertArrayEquals(home.parameters(), local.parameters(), 1e-15, "nothing learned since the delta: the merged model");
    assertEquals(home.exportState().standardizer().count(), local.exportState().standardizer().count(), 1e-9);
    assertArrayEquals(home.exportState().standardizer().mean(), local.exportState().standardizer().mean(), 1e-12);

    double[] rebasedOnto = local.parameters();
    learn(replica.loop(), 16, 2 * SECOND);
    ModelDelta delta = replica.nextDelta(2 * SECOND, 2000, 0);
    assertArrayEquals(subtract(local.parameters(), rebasedOnto), PackedArrays.unpack(delta.getParameters()), 1e-15,
        "a delta is what the replica learned since it rebased");
    double[] atSend = local.parameters();
    double[] homeBefore = home.parameters();
    merge.merge(delta, 0, 2 * SECOND);
    assertArrayEquals(add(homeBefore, PackedArrays.unpack(delta.getParameters())), home.parameters(), 1e-15,
        "a delta taken from the model as it is is added as it is");
    learn(merge.loop(), 16, 2 * SECOND);
    MergedModel merged = publish(merge, 2 * SECOND);
    learn(replica.loop(), 8, 3 * SECOND);
    double[] m = PackedArrays.unpack(merged.getParameters());
    double[] own = subtract(local.parameters(), atSend);
    double[] sum = add(m, own);
    // the merged model's updates the replica did not see: its examples past the first version, less the delta's
    double unseen = merged.getExamplesSeen() - first.getExamplesSeen() - delta.getLearned().getExamples();
    SyncPeriod.MergeWeights w = SyncPeriod.mergeWeights(replica.loop().stepSharpness(), 1,
        unseen * delta.getLearned().getUpdates() / delta.getLearned().getExamples());
    double[] expected = new double[m.length];
    for (int j = 0; j < m.length; j++) {
      expected[j] = m[j] + w.delta() * own[j] - w.takenBack() * (m[j] - atSend[j]);
    }
    assertTrue(replica.rebase(merged));
    assertArrayEquals(expected, local.parameters(), 1e-15,
        "the merged model and what the replica learned since it sent, by the curvature");
    assertArrayEquals(sum, local.parameters(), 0.05 * maxAbs(own),
        "a few updates at a small eps h: nearly the merged model plus what the replica learned since it sent");
    assertFalse(replica.rebase(merged), "a version it has taken already");
  }

  @Test
  void aHomeThatLearnedNothingYetMergesByTheCurvatureItsReplicasMeasured() {
    ModelMerge merge = new ModelMerge(loop(), LearningRateCoupling.ADASCALE, null);
    DifferentiableModel home = (DifferentiableModel) merge.loop().model();
    double[] initial = home.parameters();
    ModelReplica one = ModelReplica.start(loop(), 1, EVERY_TWO, 0);
    ModelReplica two = ModelReplica.start(loop(), 2, EVERY_TWO, 0);
    learn(one.loop(), 160, SECOND);
    learn(two.loop(), 160, SECOND);
    assertTrue(merge.merge(one.nextDelta(SECOND, 1000, 0), 0, SECOND));
    assertTrue(Double.isNaN(merge.loop().stepSharpness()), "the home took no step");
    ModelDelta second = two.nextDelta(SECOND, 1000, 0);
    assertNotNull(second.getStepSharpness());
    double[] before = home.parameters();
    assertTrue(merge.merge(second, 0, SECOND));
    // two learned from the initial model, which lacked one's 160 examples (20 updates)
    SyncPeriod.MergeWeights weights = SyncPeriod.mergeWeights(second.getStepSharpness(), 20, 20);
    assertTrue(weights.takenBack() > 0);
    double[] change = PackedArrays.unpack(second.getParameters());
    double[] expected = new double[before.length];
    for (int j = 0; j < expected.length; j++) {
      expected[j] = before[j] + weights.delta() * change[j] - weights.takenBack() * (before[j] - initial[j]);
    }
    assertArrayEquals(expected, home.parameters(), 1e-12);
  }

  @Test
  void deltasLostOrRepeatedInCrashesOnEitherSideCountOnce() {
    ModelMerge merge = new ModelMerge(loop(), LearningRateCoupling.ADASCALE, null);
    ModelReplica replica = ModelReplica.start(loop(), 1, EVERY_TWO, 0);
    long learned = learn(merge.loop(), 32, SECOND) + learn(replica.loop(), 32, SECOND);
    ModelDelta first = replica.nextDelta(SECOND, 1000, 0);
    LearnerCheckpoint replicaCheckpoint = replica.loop().checkpoint(1000);
    assertTrue(merge.merge(first, 0, SECOND));
    LearnerCheckpoint homeCheckpoint = checkpoint(merge, SECOND);
    var mergeState = merge.state();

    // the replica dies before it hears back; restored, it sends its last delta again at once
    ModelReplica restored = ModelReplica.restore(LearningLoop.restore(replicaCheckpoint, new FixedPolicy(8, 500),
        2 * SECOND), 1, EVERY_TWO, first, 2 * SECOND);
    ModelDelta again = restored.overdueDelta(2 * SECOND);
    assertSame(first, again);
    assertFalse(merge.merge(again, 0, 2 * SECOND), "merged already: only acknowledged");
    assertTrue(merge.onlyAcknowledgementsOwed());
    assertTrue(restored.rebase(merge.mergedModel(2000, 2 * SECOND, false)));

    // its next delta reaches the home, which dies before its next checkpoint: the delta is lost with it
    learned += learn(restored.loop(), 32, 3 * SECOND);
    ModelDelta second = restored.nextDelta(3 * SECOND, 3000, 0);
    assertEquals(2, second.getSequence());
    assertTrue(merge.merge(second, 0, 3 * SECOND));
    LearningLoop homeLoop = LearningLoop.restore(homeCheckpoint, new FixedPolicy(8, 500), 4 * SECOND);
    ModelMerge restoredMerge = ModelMerge.restore(homeLoop, LearningRateCoupling.ADASCALE, null, mergeState,
        4 * SECOND);
    assertNull(restored.overdueDelta(4 * SECOND), "not overdue yet");
    ModelDelta resent = restored.overdueDelta(3 * SECOND + ModelReplica.RESEND_NANOS);
    assertSame(second, resent);
    assertTrue(restoredMerge.merge(resent, 0, 14 * SECOND));
    assertEquals(learned, homeLoop.examplesSeen());
    ModelSnapshot snapshot = homeLoop.snapshot(14_000);
    assertEquals(learned, snapshot.getExamplesSeen());
    assertEquals(2, restoredMerge.mergedSequence(1));
  }

  @Test
  void theSyncPeriodFollowsTheCurvatureTheModelMeasures() {
    SyncPeriod adaptive = SyncPeriod.parse("adaptive", 60_000);
    LearningLoop loop = new LearningLoop("m", ModelFactory.create("logistic", 3),
        BatchingPolicies.parse("goodput:min=8,max=8", 500));
    ModelReplica replica = ModelReplica.start(loop, 1, adaptive, 0);
    learn(loop, 4000, SECOND);
    double sharpness = loop.stepSharpness();
    assertTrue(sharpness > 0, "a logistic model measures eps h: " + sharpness);
    int steps = adaptive.steps(replica.learners(), 8, replica.noiseScale(), sharpness);
    assertEquals(Math.max(1, (int) (SyncPeriod.STALE_MOVE / 2 / sharpness)), steps,
        "K H eps h within a quarter, K = 2 until a merged version says");
    assertTrue(steps > 1, "eps h " + sharpness + " allows more than one update between merges");
    ModelDelta first = replica.nextDelta(SECOND, 1000, 0);
    assertEquals(steps, first.getSyncUpdates());
    assertEquals(replica.noiseScale(), first.getNoiseScale(), 1e-12);
    assertEquals(first, Serdes.modelDelta().deserialize("t", Serdes.modelDelta().serialize("t", first)));
    assertTrue(replica.rebase(merged(loop, 1)));
    learn(loop, 8, 2 * SECOND);
    assertNull(replica.nextDelta(2 * SECOND, 2000, 0), "not before H updates");
    learn(loop, 8 * steps, 3 * SECOND);
    int now = adaptive.steps(replica.learners(), 8, replica.noiseScale(), loop.stepSharpness());
    ModelDelta due = replica.nextDelta(3 * SECOND, 3000, 0);
    assertNotNull(due, "H updates later");
    assertEquals(now, due.getSyncUpdates());
  }

  @Test
  void aPolicyThatMeasuresNoNoiseGetsItFromTheDeltas() {
    ModelReplica replica = ModelReplica.start(loop(), 1, SyncPeriod.parse("adaptive", 1000), 0);
    assertTrue(Double.isNaN(replica.noiseScale()));
    learn(replica.loop(), 800, SECOND);
    assertNotNull(replica.nextDelta(SECOND, 1000, 0), "at the staleness limit");
    assertTrue(replica.noiseScale() > 0, "from the delta's gradient statistics: " + replica.noiseScale());
  }

  @Test
  void aHomeAndAReplicaMergingEveryFewUpdatesLearnAsOneLearnerDoes() {
    List<double[]> events = concept(new Random(11), 2_400);
    List<double[]> holdout = concept(new Random(12), 5_000);
    double single = singleLoss(events, holdout);
    // the replica's delta every 2, 8 and 32 of its updates of 8
    for (int eventsPerDelta : new int[] {32, 128, 512}) {
      double merged = mergedLoss(events, holdout, eventsPerDelta);
      assertTrue(Math.abs(merged - single) <= 0.001, "merging after " + eventsPerDelta / 16
          + " updates: held-out log loss " + merged + " against one learner's " + single);
    }
  }

  @Test
  void aReplicaThatSendsItsWholeShareAtOnceDoesNotCarryTheModelPastOneLearner() {
    List<double[]> events = concept(new Random(11), 2_400);
    List<double[]> holdout = concept(new Random(12), 5_000);
    // one delta of 150 updates at the end, learned from the first version, the home's 150 since merged already: the
    // two went the same way, and adding them up would take the model past where one learner gets
    double merged = mergedLoss(events, holdout, events.size());
    double single = singleLoss(events, holdout);
    assertTrue(Math.abs(merged - single) <= 0.004, "held-out log loss " + merged + " against one learner's " + single);
  }

  @Test
  void aReplicaThatLearnedFarPastTheCurvatureWhileItsDeltaWasAwayKeepsItsQuality() {
    // a backlog: the replica sends 300 updates, learns 300 more while its delta goes to the home (which learns 300 of
    // its own) and back, then rebases; both parts went far past 1 / (eps h), so the rebase is about the mean of the
    // merged model and the replica: adding the replica's last 300 updates onto the merged model would add the
    // difference of two noisy points to it
    int chunk = 2_400;
    List<double[]> events = concept(new Random(21), 9 * chunk);
    List<double[]> holdout = concept(new Random(22), 5_000);
    ModelMerge merge = new ModelMerge(loop(), LearningRateCoupling.ADASCALE, null);
    ModelReplica replica = ModelReplica.start(loop(), 1, SyncPeriod.parse("1", 60_000), 0);
    int i = 0;
    for (int cycle = 1; cycle <= 3; cycle++) {
      long now = cycle * SECOND;
      for (int end = i + chunk; i < end; i++) {
        feed(replica.loop(), events.get(i), i, now);
      }
      ModelDelta delta = replica.nextDelta(now, now / 1_000_000, 0);
      for (int end = i + chunk; i < end; i++) {
        feed(merge.loop(), events.get(i), i, now);
      }
      merge.merge(delta, 0, now);
      MergedModel merged = publish(merge, now);
      for (int end = i + chunk; i < end; i++) {
        feed(replica.loop(), events.get(i), i, now);
      }
      double before = logLoss(replica.loop(), holdout);
      assertTrue(replica.rebase(merged));
      double after = logLoss(replica.loop(), holdout);
      assertTrue(after <= before + 0.002, "cycle " + cycle + ": held-out log loss " + after + " after the rebase, "
          + before + " before (eps h " + replica.loop().stepSharpness() + ")");
    }
  }

  private static double singleLoss(List<double[]> events, List<double[]> holdout) {
    LearningLoop alone = loop();
    for (int i = 0; i < events.size(); i++) {
      feed(alone, events.get(i), i, SECOND);
    }
    return logLoss(alone, holdout);
  }

  /**
   * The held-out log loss of the merged model when home and replica learn alternate events, the replica sending a delta
   * every {@code eventsPerDelta / 2} of its events and the home publishing right after merging it.
   */
  private double mergedLoss(List<double[]> events, List<double[]> holdout, int eventsPerDelta) {
    ModelMerge merge = new ModelMerge(loop(), LearningRateCoupling.ADASCALE, null);
    ModelReplica replica = ModelReplica.start(loop(), 1, SyncPeriod.parse("1", 1000), 0);
    long now = SECOND;
    for (int i = 0; i < events.size(); i++) {
      feed(i % 2 == 0 ? merge.loop() : replica.loop(), events.get(i), i, now);
      if ((i + 1) % eventsPerDelta == 0 || i == events.size() - 1) {
        if (i == events.size() - 1) {
          replica.loop().step(now, 0);
        }
        ModelDelta delta = replica.nextDelta(now, now / 1_000_000, 0);
        if (delta != null) {
          assertTrue(merge.merge(delta, 0, now));
          assertTrue(replica.rebase(publish(merge, now)));
        }
        now += SECOND / 100;
      }
    }
    merge.loop().step(now, 0);
    return logLoss(merge.loop(), holdout);
  }

  /** Events of a noisy logistic concept: three features, then the label. */
  private static List<double[]> concept(Random random, int n) {
    List<double[]> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double[] e = {random.nextGaussian(), random.nextGaussian(), random.nextGaussian(), 0};
      double z = 1.5 * e[0] - 2 * e[1] + e[2] + 0.2;
      e[3] = random.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
      events.add(e);
    }
    return events;
  }

  private static void feed(LearningLoop loop, double[] event, long offset, long nowNanos) {
    loop.add(java.util.Arrays.copyOf(event, 3), event[3], 1, offset, nowNanos / 1_000_000, nowNanos);
    if (loop.batchFull()) {
      loop.step(nowNanos, 0);
    }
  }

  private static double logLoss(LearningLoop loop, List<double[]> events) {
    double sum = 0;
    for (double[] e : events) {
      double p = Math.min(1 - 1e-12, Math.max(1e-12, loop.model().predict(java.util.Arrays.copyOf(e, 3))[0]));
      sum -= e[3] == 1 ? Math.log(p) : Math.log(1 - p);
    }
    return sum / events.size();
  }

  /** A merged version acknowledging the replica's deltas so far, with its own parameters: a rebase that changes nothing. */
  private static MergedModel merged(LearningLoop replicaLoop, long version) {
    DifferentiableModel model = (DifferentiableModel) replicaLoop.model();
    return MergedModel.newBuilder().setModelId("m").setVersion(version).setCreatedAt(java.time.Instant.EPOCH)
        .setExamplesSeen(0).setLearners(2).setParameters(PackedArrays.pack(model.parameters(), false))
        .setStandardizer(PackedArrays.pack(model.exportState().standardizer()))
        .setReplicas(List.of(new io.batchwise.schemas.ReplicaProgress(1, replicaLoop.version(), 0L))).build();
  }

  private static LearnerCheckpoint checkpoint(ModelMerge merge, long nowNanos) {
    merge.loop().nextVersion(nowNanos);
    return merge.loop().checkpoint(nowNanos / 1_000_000);
  }

  private static double maxAbs(double[] a) {
    double m = 0;
    for (double v : a) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  private static double[] add(double[] a, double[] b) {
    double[] c = new double[a.length];
    for (int j = 0; j < c.length; j++) {
      c[j] = a[j] + b[j];
    }
    return c;
  }

  private static double[] subtract(double[] a, double[] b) {
    double[] c = new double[a.length];
    for (int j = 0; j < c.length; j++) {
      c[j] = a[j] - b[j];
    }
    return c;
  }
}
