package io.batchwise.learner.stream;

import java.time.Instant;
import java.util.List;

import io.batchwise.learner.model.MicroBatch;
import io.batchwise.learner.model.ModelState;
import io.batchwise.learner.model.OnlineModel;
import io.batchwise.learner.model.StepResult;
import io.batchwise.learner.snapshot.SnapshotCodec;
import io.batchwise.policy.BatchDecision;
import io.batchwise.policy.BatchObservation;
import io.batchwise.policy.BatchingPolicy;
import io.batchwise.schemas.DenseFeatures;
import io.batchwise.schemas.LabelledEvent;
import io.batchwise.schemas.ModelSnapshot;
import io.batchwise.schemas.SparseFeatures;
import io.batchwise.schemas.TrainingMetrics;

/**
 * The learning loop of one model, free of Kafka: buffer events into a micro-batch until the policy's
 * target size (or max wait) is reached, score the batch before learning from it, take one step with the
 * policy's learning-rate multiplier, and feed the policy what was measured (DESIGN.md, "The learning loop").
 */
public final class LearningLoop {
  private static final double RATE_SMOOTHING = 0.2;
  private static final long RATE_WINDOW_MILLIS = 100;

  private final String modelId;
  private final OnlineModel model;
  private final BatchingPolicy policy;
  private final int featureCount;
  private final String loss;
  private final int outputCount;
  private final MicroBatch batch;
  private final double[] row;
  private final PrequentialMetrics metrics;
  private BatchDecision decision;
  private long examplesSeen;
  private long updates;
  private long version;
  private long deadLetters;
  private long updatesAtLastSnapshot;
  private long lastSnapshotMillis;
  private long firstPendingMillis = -1;
  private long lastEventTimestamp = -1;
  private long rateWindowStart = -1;
  private long rateWindowEvents;
  private double arrivalRate = Double.NaN;
  /** The rate the input partition grows at now, where known: this model's events arrive no faster. */
  private double arrivalLimit = Double.NaN;
  private long pendingEventNanos;

  public LearningLoop(String modelId, OnlineModel model, BatchingPolicy policy) {
    this(modelId, model, policy, new PrequentialMetrics());
  }

  private LearningLoop(String modelId, OnlineModel model, BatchingPolicy policy, PrequentialMetrics metrics) {
    this.modelId = modelId;
    this.model = model;
    this.policy = policy;
    ModelState state = model.exportState();
    this.featureCount = model.featureCount();
    this.loss = state.loss();
    this.outputCount = state.outputCount();
    this.decision = policy.initial();
    this.batch = new MicroBatch(featureCount, decision.batchSize());
    this.row = new double[featureCount];
    this.metrics = metrics;
  }

  /** Resumes a loop from its stored state: weights, optimizer, standardizer, policy, counters, version. */
  public static LearningLoop restore(ModelSnapshot stored, OnlineModel model, BatchingPolicy policy) {
    io.batchwise.schemas.PrequentialMetrics m = stored.getMetrics();
    LearningLoop loop = new LearningLoop(stored.getModelId(), model, policy, new PrequentialMetrics(m.getExamples(),
        m.getLogLoss(), m.getAccuracy(), m.getRecentLogLoss(), m.getRecentAccuracy()));
    policy.restoreState(SnapshotCodec.toArray(stored.getPolicyState()));
    BatchDecision initial = policy.initial();
    double multiplier = model.baseLearningRate() > 0 ? stored.getLearningRate() / model.baseLearningRate() : 1.0;
    loop.decision = new BatchDecision(stored.getBatchSize(), multiplier, initial.maxWaitMillis(), Double.NaN);
    loop.examplesSeen = stored.getExamplesSeen();
    loop.updates = stored.getUpdates();
    loop.version = stored.getVersion();
    loop.deadLetters = stored.getDeadLetters();
    // the stored state may hold updates no snapshot showed yet: publish once after a restart
    loop.updatesAtLastSnapshot = -1;
    loop.lastSnapshotMillis = stored.getCreatedAt().toEpochMilli();
    return loop;
  }

  /** Why this event cannot be learned by this model, or null when it can. */
  public String rejectionReason(LabelledEvent event) {
    Object features = event.getFeatures();
    if (features instanceof DenseFeatures dense) {
      List<Double> values = dense.getValues();
      if (values.size() != featureCount) {
        return "feature count " + values.size() + " does not match the model's " + featureCount;
      }
      for (int j = 0; j < featureCount; j++) {
        if (!Double.isFinite(values.get(j))) {
          return "feature " + j + " is " + values.get(j);
        }
      }
    } else if (features instanceof SparseFeatures sparse) {
      if (sparse.getSize() != featureCount) {
        return "sparse vector size " + sparse.getSize() + " does not match the model's " + featureCount;
      }
      List<Integer> indices = sparse.getIndices();
      List<Double> values = sparse.getValues();
      if (indices.size() != values.size()) {
        return "sparse features have " + indices.size() + " indices but " + values.size() + " values";
      }
      int previous = -1;
      for (int k = 0; k < indices.size(); k++) {
        int index = indices.get(k);
        if (index <= previous || index >= featureCount) {
          return "sparse index " + index + " is out of order or outside [0, " + featureCount + ")";
        }
        if (!Double.isFinite(values.get(k))) {
          return "feature " + index + " is " + values.get(k);
        }
        previous = index;
      }
    } else {
      return "no features";
    }
    double label = event.getLabel();
    if (!Double.isFinite(label)) {
      return "label is " + label;
    }
    if ("log".equals(loss) && label != 0.0 && label != 1.0) {
      return "label " + label + " is not 0 or 1";
    }
    if ("cross-entropy".equals(loss) && (label != Math.rint(label) || label < 0 || label >= outputCount)) {
      return "label " + label + " is not a class index in [0, " + outputCount + ")";
    }
    Double weight = event.getWeight();
    if (weight != null && !(weight >= 0 && Double.isFinite(weight))) {
      return "weight " + weight + " is not a finite non-negative number";
    }
    return null;
  }

  /** Buffers a valid event ({@link #rejectionReason} returned null for it). */
  public void add(LabelledEvent event, long recordTimestamp, long nowMillis) {
    double weight = event.getWeight() == null ? 1.0 : event.getWeight();
    // into the reusable row, then copied into the batch: no allocation per event
    if (event.getFeatures() instanceof DenseFeatures dense) {
      List<Double> values = dense.getValues();
      for (int j = 0; j < featureCount; j++) {
        row[j] = values.get(j);
      }
    } else {
      SparseFeatures sparse = (SparseFeatures) event.getFeatures();
      java.util.Arrays.fill(row, 0.0);
      List<Integer> indices = sparse.getIndices();
      List<Double> values = sparse.getValues();
      for (int k = 0; k < indices.size(); k++) {
        row[indices.get(k)] = values.get(k);
      }
    }
    batch.add(row, event.getLabel(), weight);
    if (firstPendingMillis < 0) {
      firstPendingMillis = nowMillis;
    }
    if (rateWindowStart < 0) {
      rateWindowStart = recordTimestamp;
    }
    lastEventTimestamp = Math.max(lastEventTimestamp, recordTimestamp);
  }

  /** Adds the host's time spent handling one buffered event (decoding, storing) to the next update's cost. */
  public void addEventCost(long nanos) {
    pendingEventNanos += Math.max(0, nanos);
  }

  public void countDeadLetter() {
    deadLetters++;
  }

  public long deadLetters() {
    return deadLetters;
  }

  /** Sets the dead-letter count kept outside the checkpointed state (see LearnerProcessor). */
  public void restoreDeadLetters(long count) {
    deadLetters = count;
  }

  public int pending() {
    return batch.size();
  }

  public boolean batchFull() {
    return batch.size() >= decision.batchSize();
  }

  /** True when buffered events have waited at least the policy's max wait. */
  public boolean waitedTooLong(long nowMillis) {
    return batch.size() > 0 && nowMillis - firstPendingMillis >= decision.maxWaitMillis();
  }

  /**
   * Learns the buffered micro-batch: prequential scoring, one optimizer step, one policy observation.
   *
   * @param lagEvents events known to wait beyond the buffer (consumer lag), 0 when unknown
   * @return the metrics record of this update
   */
  public TrainingMetrics step(long nowMillis, long lagEvents) {
    return step(nowMillis, lagEvents, 0);
  }

  /**
   * As {@link #step(long, long)}, telling the policy the whole cost of this update: the step itself, the
   * host's time handling the batch's events (see {@link #addEventCost}) and {@code updateOverheadSeconds},
   * the host's fixed cost per update (e.g. emitting its metrics record). The policy's step-time model
   * T(B) = alpha + beta B then sees what a batch really costs the stream thread, not only the arithmetic.
   */
  public TrainingMetrics step(long nowMillis, long lagEvents, double updateOverheadSeconds) {
    int n = batch.size();
    double fillSeconds = Math.max(0, nowMillis - firstPendingMillis) / 1000.0;
    updateArrivalRate(n);
    long start = System.nanoTime();
    StepResult result = model.learn(batch, decision.learningRateMultiplier());
    double stepSeconds = (System.nanoTime() - start) / 1e9;
    metrics.add(result);
    examplesSeen += n;
    updates++;
    double updateCost = stepSeconds + pendingEventNanos / 1e9 + Math.max(0, updateOverheadSeconds);
    pendingEventNanos = 0;
    double rate = Double.isNaN(arrivalRate) ? 0.0 : arrivalRate;
    if (arrivalLimit >= 0) {
      rate = Math.min(rate, arrivalLimit);
    }
    BatchObservation observation = new BatchObservation(n, updateCost, fillSeconds, rate, lagEvents,
        result.meanExampleGradientSquaredNorm(), result.meanGradientSquaredNorm(), result.stepSharpness(),
        result.recentGradientDot());
    decision = policy.next(observation);
    batch.clear();
    firstPendingMillis = -1;
    double weightSum = result.weightSum() > 0 ? result.weightSum() : Double.NaN;
    return TrainingMetrics.newBuilder()
        .setModelId(modelId)
        .setUpdate(updates)
        .setTimestamp(Instant.ofEpochMilli(nowMillis))
        .setExamplesSeen(examplesSeen)
        .setBatchSize(n)
        .setLearningRate(result.learningRate())
        .setLossBefore(result.lossSum() / weightSum)
        .setAccuracyBefore(result.correctSum() / weightSum)
        .setMeanExampleGradientSquaredNorm(result.meanExampleGradientSquaredNorm())
        .setMeanGradientSquaredNorm(result.meanGradientSquaredNorm())
        .setNoiseScale(Double.isFinite(decision.noiseScale()) ? decision.noiseScale() : null)
        .setStepMillis(stepSeconds * 1000)
        .setFillMillis(fillSeconds * 1000)
        .setArrivalRate(observation.arrivalRate())
        .setBacklog(lagEvents)
        .setNextBatchSize(decision.batchSize())
        .build();
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

  /** True when there are updates not yet published and the last snapshot is at least intervalMillis old. */
  public boolean snapshotDue(long nowMillis, long intervalMillis, long everyUpdates) {
    long unpublished = updates - updatesAtLastSnapshot;
    if (unpublished <= 0) {
      return false;
    }
    return (everyUpdates > 0 && unpublished >= everyUpdates) || nowMillis - lastSnapshotMillis >= intervalMillis;
  }

  /** Takes the next version number for a snapshot about to be published. */
  public void nextVersion(long nowMillis) {
    version++;
    updatesAtLastSnapshot = updates;
    lastSnapshotMillis = nowMillis;
  }

  /** The complete state under the current version: what the state store keeps. */
  public ModelSnapshot state(long nowMillis) {
    return state(nowMillis, -1);
  }

  /**
   * The complete state under the current version.
   *
   * @param learnedThrough the learner's pending-event sequence number below which this state includes events
   */
  public ModelSnapshot state(long nowMillis, long learnedThrough) {
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
        .setPolicyState(SnapshotCodec.toList(policy.exportState()))
        .setMetrics(new io.batchwise.schemas.PrequentialMetrics(metrics.examples(), metrics.meanLoss(),
            metrics.accuracy(), metrics.recentLoss(), metrics.recentAccuracy()))
        .setDeadLetters(deadLetters)
        .setLearnedThrough(learnedThrough)
        .build();
  }

  public String modelId() {
    return modelId;
  }

  public int featureCount() {
    return featureCount;
  }

  public long examplesSeen() {
    return examplesSeen;
  }

  public long version() {
    return version;
  }

  public BatchDecision decision() {
    return decision;
  }

  /**
   * Caps the arrival rate the policy hears at the rate the input partition grows at now (NaN: unknown, no
   * cap). The record timestamps give the rate events were appended at, which for a replayed backlog is
   * history: the partition's end offset says whether they still arrive.
   */
  public void limitArrivalRate(double partitionAppendRate) {
    arrivalLimit = partitionAppendRate;
  }

  public double arrivalRate() {
    return arrivalRate;
  }
}
