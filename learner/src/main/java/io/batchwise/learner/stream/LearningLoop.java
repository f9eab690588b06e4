package io.batchwise.learner.stream;

import io.batchwise.learner.loss.LossKind;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import io.batchwise.learner.model.MicroBatch;
import io.batchwise.learner.model.ModelFactory;
import io.batchwise.learner.model.ModelState;
import io.batchwise.learner.model.OnlineModel;
import io.batchwise.learner.model.StepResult;
import io.batchwise.schemas.FeatureNames;
import io.batchwise.learner.snapshot.SnapshotCodec;
import io.batchwise.policy.BatchDecision;
import io.batchwise.policy.BatchObservation;
import io.batchwise.policy.BatchingPolicy;
import io.batchwise.policy.PolicyState;
import io.batchwise.schemas.DecodedEvent;
import io.batchwise.schemas.LearnerCheckpoint;
import io.batchwise.schemas.ModelSnapshot;
import io.batchwise.schemas.PackedStandardizer;
import io.batchwise.schemas.PrequentialMetrics;
import io.batchwise.schemas.TrainingMetrics;
import org.slf4j.LoggerFactory;

/**
 * The learning loop of one model, free of Kafka: buffer events into a micro-batch until the policy's target
 * size (or max wait) is reached, score the batch before learning from it, take one step with the policy's
 * learning-rate multiplier, and feed the policy what was measured (docs/DESIGN.md, "The learning loop").
 * The Kafka Streams processor and the virtual-clock benchmark both drive this class, each with its own clock
 * and its own costs per event, so the benchmark runs the loop that is deployed.
 *
 * <p>Times: {@code nowNanos} is the host's clock (any origin, nanoseconds); record timestamps are ms since the
 * epoch, as Kafka gives them. Offsets number the events of the host's input in order (the input partition's
 * offsets in the stream), so that a checkpoint can say which events it includes.
 */
public final class LearningLoop {
  private static final double RATE_SMOOTHING = 0.2;
  private static final long RATE_WINDOW_MILLIS = 100;
  /** Weight of the latest measurement in the smoothed step sharpness. */
  private static final double SHARPNESS_SMOOTHING = 0.05;

  private final String modelId;
  private final OnlineModel model;
  private final BatchingPolicy policy;
  private final int featureCount;
  private final LossKind loss;
  private final int outputCount;
  private final MicroBatch batch;
  private final double[] row;
  private final PrequentialScore metrics;
  private final boolean float32State;
  /** The features' names, from the first event that carried them; null while none has. */
  private List<String> featureNames;
  private BatchDecision decision;
  private StepResult lastStep;
  /** eps h averaged over the recent updates that measured it; NaN before the first. */
  private double stepSharpness = Double.NaN;
  private long examplesSeen;
  private long updates;
  private long version;
  private long deadLetters;
  private long updatesAtLastSnapshot;
  private long lastSnapshotNanos;
  private long lastPublishCostNanos;
  /** The publication before the last one's cost; 0 before the second publication. */
  private long previousPublishCostNanos;
  private boolean deadLettersSinceSnapshot;
  private IntervalSummary interval = new IntervalSummary(-1);
  private long firstPendingNanos = -1;
  private long lastEventTimestamp = -1;
  private long rateWindowStart = -1;
  private long rateWindowEvents;
  private double arrivalRate = Double.NaN;
  /** The rate the input partition grows at now, where known: this model's events arrive no faster. */
  private double arrivalLimit = Double.NaN;
  private long pendingEventNanos;
  private long decisionNanos;
  /** Offsets: after the last learned event; the first buffered one; the first since the last checkpoint. */
  private long nextOffset = -1;
  private long firstBufferedOffset = -1;
  private long lastBufferedOffset = -1;
  private long firstUncheckpointedOffset = -1;
  /** Whether deltas of other learners of this model were merged since the last snapshot. */
  private boolean absorbedSinceSnapshot;
  /** Dead letters other learners of this model counted (its replicas'), which the snapshots add to the own. */
  private long deadLettersElsewhere;

  public LearningLoop(String modelId, OnlineModel model, BatchingPolicy policy) {
    this(modelId, model, policy, new PrequentialScore());
  }

  private LearningLoop(String modelId, OnlineModel model, BatchingPolicy policy, PrequentialScore metrics) {
    this.modelId = modelId;
    this.model = model;
    this.policy = policy;
    ModelState state = model.exportState();
    this.featureCount = model.featureCount();
    this.loss = state.loss();
    this.outputCount = state.outputCount();
    this.float32State = model.computesInFloat32();
    this.decision = policy.initial();
    this.batch = new MicroBatch(featureCount, decision.batchSize());
    this.row = new double[featureCount];
    this.metrics = metrics;
  }

  /**
   * Resumes a loop from its checkpoint: weights, optimizer, standardizer, policy, counters, version.
   *
   * @param policy a policy built from {@code checkpoint.getBatchingPolicy()}; its state is restored here
   */
  public static LearningLoop restore(LearnerCheckpoint checkpoint, BatchingPolicy policy, long nowNanos) {
    PrequentialMetrics m = checkpoint.getMetrics();
    OnlineModel model = restoreModel(checkpoint);
    LearningLoop loop = new LearningLoop(checkpoint.getModelId(), model, policy, new PrequentialScore(m.getExamples(),
        m.getLogLoss(), m.getAccuracy(), m.getRecentLogLoss(), m.getRecentAccuracy()));
    double[] policyState = new double[checkpoint.getPolicyState().size()];
    for (int i = 0; i < policyState.length; i++) {
      policyState[i] = checkpoint.getPolicyState().get(i);
    }
    try {
      policy.restoreState(PolicyState.decode(policyState));
    } catch (IllegalArgumentException e) {
      // a checkpoint of a build whose policy state this one cannot read: the model and its counts are restored,
      // the policy measures the stream afresh
      LoggerFactory.getLogger(LearningLoop.class).warn("model {}: {}; the batching policy starts afresh",
          checkpoint.getModelId(), e.getMessage());
    }
    BatchDecision initial = policy.initial();
    loop.decision = new BatchDecision(checkpoint.getBatchSize(), checkpoint.getLearningRateMultiplier(),
        initial.maxWaitMillis(), Double.NaN);
    loop.examplesSeen = checkpoint.getExamplesSeen();
    loop.updates = checkpoint.getUpdates();
    loop.version = checkpoint.getVersion();
    loop.updatesAtLastSnapshot = loop.updates;
    loop.lastSnapshotNanos = nowNanos;
    loop.nextOffset = checkpoint.getNextOffset();
    loop.featureNames = checkpoint.getFeatureNames() == null ? null : List.copyOf(checkpoint.getFeatureNames());
    return loop;
  }

  private static OnlineModel restoreModel(LearnerCheckpoint c) {
    ModelState fresh = ModelFactory.create(c.getModelSpec(), c.getOptimizerSpec(), c.getFeatureCount()).exportState();
    PackedStandardizer s = c.getStandardizer();
    return ModelFactory.restore(new ModelState(fresh.spec(), fresh.kind(), fresh.featureCount(), fresh.outputCount(),
        fresh.layers(), fresh.loss(), PackedArrays.unpack(c.getParameters()), c.getOptimizerSpec(), c.getOptimizerSteps(),
        PackedArrays.unpack(c.getOptimizerState()), s == null ? null
            : new ModelState.Standardization(s.getCount(), PackedArrays.unpack(s.getMean()), PackedArrays.unpack(s.getM2()))));
  }

  /** Why this event cannot be learned by this model, or null when it can. */
  public String rejectionReason(DecodedEvent event) {
    List<String> names = event.featureNames();
    if (names != null && names != featureNames) {
      String problem = FeatureNames.mismatch(featureNames, names, featureCount);
      if (problem != null) {
        return problem;
      }
    }
    double[] values = event.values();
    int n = event.count();
    if (event.sparse()) {
      if (event.size() != featureCount) {
        return "sparse vector size " + event.size() + " does not match the model's " + featureCount;
      }
      int[] indices = event.indices();
      int previous = -1;
      for (int k = 0; k < n; k++) {
        int index = indices[k];
        if (index <= previous || index >= featureCount) {
          return "sparse index " + index + " is out of order or outside [0, " + featureCount + ")";
        }
        if (!Double.isFinite(values[k])) {
          return "feature " + index + " is " + values[k];
        }
        previous = index;
      }
    } else {
      if (n != featureCount) {
        return n == 0 ? "no features" : "feature count " + n + " does not match the model's " + featureCount;
      }
      for (int j = 0; j < n; j++) {
        if (!Double.isFinite(values[j])) {
          return "feature " + j + " is " + values[j];
        }
      }
    }
    double label = event.label();
    if (!Double.isFinite(label)) {
      return "label is " + label;
    }
    String labelProblem = loss.labelProblem(label, outputCount);
    if (labelProblem != null) {
      return labelProblem;
    }
    double weight = event.weight();
    if (!(weight >= 0 && Double.isFinite(weight))) {
      return "weight " + weight + " is not a finite non-negative number";
    }
    return null;
  }

  /** Buffers a valid event ({@link #rejectionReason} returned null for it). */
  public void add(DecodedEvent event, long offset, long recordTimestamp, long nowNanos) {
    if (event.featureNames() != null) {
      featureNames = event.featureNames();  // the same names (rejectionReason), from now on compared by reference
    }
    double[] values = event.values();
    if (event.sparse()) {
      Arrays.fill(row, 0.0);
      int[] indices = event.indices();
      for (int k = 0; k < event.count(); k++) {
        row[indices[k]] = values[k];
      }
      add(row, event.label(), event.weight(), offset, recordTimestamp, nowNanos);
    } else {
      add(values, event.label(), event.weight(), offset, recordTimestamp, nowNanos);
    }
  }

  /** Buffers one valid example given as a dense row of at least {@code featureCount()} values. */
  public void add(double[] features, double label, double weight, long offset, long recordTimestamp, long nowNanos) {
    batch.add(features, 0, label, weight);
    if (firstPendingNanos < 0) {
      firstPendingNanos = nowNanos;
      firstBufferedOffset = offset;
      interval.begin(nowNanos / 1_000_000);
    }
    if (firstUncheckpointedOffset < 0) {
      firstUncheckpointedOffset = offset;
    }
    lastBufferedOffset = offset;
    if (rateWindowStart < 0) {
      rateWindowStart = recordTimestamp;
    }
    lastEventTimestamp = Math.max(lastEventTimestamp, recordTimestamp);
  }

  /** Adds the host's time spent handling one buffered event (decoding, validating) to the next update's cost. */
  public void addEventCost(long nanos) {
    pendingEventNanos += Math.max(0, nanos);
  }

  public long deadLetters() {
    return deadLetters;
  }

  /** Sets the dead-letter count, which the host keeps outside the checkpoint (its records go out at once). */
  public void restoreDeadLetters(long count) {
    deadLetters = count;
  }

  /** Counts one more dead letter of this model; the next snapshot carries it even when no update comes after it. */
  public void countDeadLetter() {
    deadLetters++;
    deadLettersSinceSnapshot = true;
  }

  public int pending() {
    return batch.size();
  }

  public boolean batchFull() {
    return batch.size() >= decision.batchSize();
  }

  /** True when buffered events have waited at least the policy's max wait. */
  public boolean waitedTooLong(long nowNanos) {
    return batch.size() > 0 && nowNanos - firstPendingNanos >= decision.maxWaitMillis() * 1_000_000L;
  }

  /**
   * Learns the buffered micro-batch: prequential scoring, one optimizer step, one policy observation. The
   * policy hears the update's whole cost on the host: the step, the previous decision, and the host's time
   * handling the batch's events ({@link #addEventCost}), so its step-time model T(B) = alpha + beta B
   * describes what a batch costs the stream thread, not only the arithmetic.
   *
   * @param lagEvents events known to wait beyond the buffer (consumer lag), 0 when unknown
   */
  public StepResult step(long nowNanos, long lagEvents) {
    int n = batch.size();
    double fillSeconds = Math.max(0, nowNanos - firstPendingNanos) / 1e9;
    updateArrivalRate(n);
    long start = System.nanoTime();
    StepResult result = model.learn(batch, decision.learningRateMultiplier());
    long learned = System.nanoTime();
    double stepSeconds = (learned - start) / 1e9;
    metrics.add(result);
    examplesSeen += n;
    updates++;
    nextOffset = lastBufferedOffset + 1;
    double stepCost = stepSeconds + decisionNanos / 1e9;
    double eventCost = pendingEventNanos / 1e9;
    double updateCost = stepCost + eventCost;
    pendingEventNanos = 0;
    BatchObservation observation = new BatchObservation(n, stepCost, eventCost, fillSeconds, arrivalRate(), lagEvents,
        result.meanExampleGradientSquaredNorm(), result.meanGradientSquaredNorm(), result.stepSharpness(),
        result.recentGradientDot());
    decision = policy.next(observation);
    decisionNanos = System.nanoTime() - learned;
    batch.clear();
    firstPendingNanos = -1;
    interval.add(result, stepSeconds, updateCost, fillSeconds, nowNanos / 1_000_000);
    lastStep = result;
    double sharpness = result.stepSharpness();
    if (Double.isFinite(sharpness)) {
      stepSharpness = Double.isNaN(stepSharpness) ? sharpness
          : stepSharpness + SHARPNESS_SMOOTHING * (sharpness - stepSharpness);
    }
    return result;
  }

  /**
   * Events per second from the record timestamps, counted over windows of at least
   * {@value #RATE_WINDOW_MILLIS} ms of record time: timestamps have millisecond resolution, and many
   * small batches share one millisecond when events arrive fast.
   */
  private void updateArrivalRate(int n) {
    rateWindowEvents += n;
    long spanMillis = lastEventTimestamp - rateWindowStart;
    if (spanMillis >= RATE_WINDOW_MILLIS) {
      double windowRate = rateWindowEvents * 1000.0 / spanMillis;
      arrivalRate = Double.isNaN(arrivalRate) ? windowRate : arrivalRate + RATE_SMOOTHING * (windowRate - arrivalRate);
      rateWindowStart = lastEventTimestamp;
      rateWindowEvents = 0;
    }
  }

  /**
   * True when there are changes not yet published ({@link #hasUnpublishedChanges}), and the last snapshot is at
   * least {@code intervalMillis} old (or {@code everyUpdates} updates came since) and, while events arrive, at least
   * a publication's cost divided by {@code maxTimeShare} ago. The cost counted is the lesser of the last two
   * publications': a single slow one (the first in a JVM pays class loading and compilation, 5-10 times what later
   * ones cost; a collection pause) does not hold back the next, while a model whose publications are costly keeps to
   * its share. When {@code inputIdle} (no event arrived since the host last checked) a publication takes no time from
   * learning and only the interval holds it back, so the end of a replay reaches a snapshot without waiting out the
   * share of publications that were slow while the JVM compiled (up to a second for a small model).
   */
  public boolean publishDue(long nowNanos, long intervalMillis, long everyUpdates, double maxTimeShare,
      boolean inputIdle) {
    long unpublished = updates - updatesAtLastSnapshot;
    if (!hasUnpublishedChanges()) {
      return false;
    }
    long gap = intervalMillis * 1_000_000L;
    if (!inputIdle) {
      gap = Math.max(gap, (long) (Math.min(lastPublishCostNanos, previousPublishCostNanos) / maxTimeShare));
    }
    return (everyUpdates > 0 && unpublished >= everyUpdates) || nowNanos - lastSnapshotNanos >= gap;
  }

  /**
   * True while some update is in no published snapshot yet, or a dead letter of a model already published (a model
   * that learned nothing yet has no snapshot to correct).
   */
  public boolean hasUnpublishedChanges() {
    return updates > updatesAtLastSnapshot || absorbedSinceSnapshot || (deadLettersSinceSnapshot && version > 0);
  }

  /** Takes the next version number for a snapshot about to be published; its checkpoint includes the learned events. */
  public void nextVersion(long nowNanos) {
    version++;
    updatesAtLastSnapshot = updates;
    lastSnapshotNanos = nowNanos;
    firstUncheckpointedOffset = batch.size() > 0 ? firstBufferedOffset : -1;
    absorbedSinceSnapshot = false;
    deadLettersSinceSnapshot = false;
  }

  /** What publishing the last snapshot cost the host (checkpoint, snapshot and summary), for the budget. */
  public void publishCost(long nanos) {
    previousPublishCostNanos = lastPublishCostNanos;
    lastPublishCostNanos = Math.max(0, nanos);
  }

  /** The public snapshot under the current version: what scoring and warm starts need. */
  public ModelSnapshot snapshot(long nowMillis) {
    ModelState state = model.exportState();
    return ModelSnapshot.newBuilder()
        .setModelId(modelId)
        .setVersion(version)
        .setCreatedAt(Instant.ofEpochMilli(nowMillis))
        .setExamplesSeen(examplesSeen)
        .setUpdates(updates)
        .setArchitecture(SnapshotCodec.architecture(state))
        .setParameters(SnapshotCodec.toList(state.parameters()))
        .setOptimizer(SnapshotCodec.optimizer(state))
        .setStandardizer(SnapshotCodec.standardizer(state))
        .setBatchSize(decision.batchSize())
        .setLearningRate(model.baseLearningRate() * decision.learningRateMultiplier())
        .setBatchingPolicy(policy.spec())
        .setMetrics(prequentialMetrics())
        .setDeadLetters(deadLetters + deadLettersElsewhere)
        .setFeatureNames(featureNames)
        .build();
  }

  /** The learner's own state under the current version: everything to resume exactly here. */
  public LearnerCheckpoint checkpoint(long nowMillis) {
    ModelState state = model.exportState();
    ModelState.Standardization s = state.standardizer();
    double[] policyState = policy.exportState().encode();
    Double[] boxed = new Double[policyState.length];
    for (int i = 0; i < boxed.length; i++) {
      boxed[i] = policyState[i];
    }
    return LearnerCheckpoint.newBuilder()
        .setModelId(modelId)
        .setVersion(version)
        .setCreatedAt(Instant.ofEpochMilli(nowMillis))
        .setExamplesSeen(examplesSeen)
        .setUpdates(updates)
        .setNextOffset(nextOffset)
        .setModelSpec(state.spec())
        .setFeatureCount(featureCount)
        .setFeatureNames(featureNames)
        .setParameters(PackedArrays.pack(state.parameters(), float32State))
        .setOptimizerSpec(state.optimizerSpec())
        .setOptimizerSteps(state.optimizerSteps())
        .setOptimizerState(PackedArrays.pack(state.optimizerState(), float32State))
        .setStandardizer(s == null ? null : new PackedStandardizer(s.count(), PackedArrays.pack(s.mean(), false),
            PackedArrays.pack(s.m2(), false)))
        .setBatchingPolicy(policy.spec())
        .setPolicyState(List.of(boxed))
        .setBatchSize(decision.batchSize())
        .setLearningRateMultiplier(decision.learningRateMultiplier())
        .setMetrics(prequentialMetrics())
        .setLastSnapshotAt(Instant.ofEpochMilli(nowMillis))
        .build();
  }

  /** The summary of the updates since the last one (see {@link IntervalSummary}); the next interval starts now. */
  public TrainingMetrics closeInterval(long nowMillis, long lagEvents) {
    TrainingMetrics summary = interval.close(modelId, version, nowMillis, updates, examplesSeen, decision, arrivalRate(),
        lagEvents, lastPublishCostNanos / 1e9);
    interval = new IntervalSummary(nowMillis);
    return summary;
  }

  private PrequentialMetrics prequentialMetrics() {
    return new PrequentialMetrics(metrics.examples(), metrics.meanLoss(), metrics.accuracy(),
        metrics.recentLoss(), metrics.recentAccuracy());
  }

  public String modelId() {
    return modelId;
  }

  public int featureCount() {
    return featureCount;
  }

  /** The features' names, null while no event has named them. */
  public List<String> featureNames() {
    return featureNames;
  }

  public long examplesSeen() {
    return examplesSeen;
  }

  public long updates() {
    return updates;
  }

  public long version() {
    return version;
  }

  public BatchDecision decision() {
    return decision;
  }

  /**
   * eps h, the step's rate times the curvature along the gradient, smoothed over the recent updates that measured it
   * ({@link StepResult#stepSharpness}); NaN until one did, and for a model that does not measure it.
   */
  public double stepSharpness() {
    return stepSharpness;
  }

  /** What the last step measured, or null before the first. */
  public StepResult lastStep() {
    return lastStep;
  }

  public double meanLoss() {
    return metrics.meanLoss();
  }

  /** The offset after the last event learned; events below it are in the model (-1: none yet). */
  public long nextOffset() {
    return nextOffset;
  }

  /** The offset of the first event not in the last checkpoint, or -1 when every event added is in it. */
  public long firstUncheckpointedOffset() {
    return firstUncheckpointedOffset;
  }

  /**
   * Caps the arrival rate the policy hears at the rate the input partition grows at now (NaN: unknown, no
   * cap). The record timestamps give the rate events were appended at, which for a replayed backlog is
   * history: the partition's end offset says whether they still arrive.
   */
  public void limitArrivalRate(double partitionAppendRate) {
    arrivalLimit = partitionAppendRate;
  }

  /** The arrival rate the policy hears: the record timestamps' rate, capped by the partition's (0 while unknown). */
  public double arrivalRate() {
    double rate = Double.isNaN(arrivalRate) ? 0.0 : arrivalRate;
    return arrivalLimit >= 0 ? Math.min(rate, arrivalLimit) : rate;
  }

  /** The model this loop learns: a replica rebases it onto merged versions, and merging adds replicas' deltas to it. */
  public OnlineModel model() {
    return model;
  }

  /** True when the model computes in float32, so its deltas and merged versions lose nothing in float32 either. */
  public boolean float32State() {
    return float32State;
  }

  /** The latest record timestamp among the events added, in ms since the epoch; -1 before the first. */
  public long lastEventTimestamp() {
    return lastEventTimestamp;
  }

  /**
   * Counts what another learner of this model learned, whose delta the caller merged into the model: its examples,
   * updates and prequential scores join this loop's totals and its summary the next one, and the next snapshot
   * includes them.
   */
  public void absorb(TrainingMetrics learned) {
    examplesSeen += learned.getExamples();
    updates += learned.getUpdates();
    metrics.add(learned.getWeightSum(), learned.getLossSum(), learned.getCorrectSum());
    interval.add(learned);
    absorbedSinceSnapshot = true;
  }

  /** Sets the dead letters other learners of this model counted, which its snapshots add to its own. */
  public void deadLettersElsewhere(long count) {
    deadLettersElsewhere = count;
  }
}
