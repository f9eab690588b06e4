package io.batchwise.learner.stream;

import java.time.Instant;

import io.batchwise.learner.model.DifferentiableModel;
import io.batchwise.learner.model.ModelState;
import io.batchwise.policy.SyncPeriod;
import io.batchwise.policy.estimate.NoiseScaleEstimator;
import io.batchwise.schemas.MergedModel;
import io.batchwise.schemas.ModelDelta;
import io.batchwise.schemas.ReplicaProgress;
import io.batchwise.schemas.TrainingMetrics;

/**
 * A replica of a model: the learner of the model's events on a partition other than the model's home. It learns them
 * in its own {@link LearningLoop}; once per sync period it sends what it learned since its previous delta to the
 * learner that merges the model (parameters minus its base, the feature statistics of the new examples, the summary
 * of its updates), then waits for a merged version that includes the delta and rebases onto it: the merged
 * parameters combined with what it learned since it sent ({@link #rebase}). Kafka-free: the processor and the
 * benchmarks' simulation drive it.
 *
 * <p>One delta is in flight at a time, so that a merged version either includes every delta sent or is older than
 * the last one. A delta is numbered with the replica's checkpoint version, which the host writes with it, and
 * kept until acknowledged: one not acknowledged within {@link #RESEND_NANOS} (or the one in flight when the host
 * restores the replica) is sent again, unchanged, and the merger counts each number once.
 *
 * <p>The sync period H follows {@link SyncPeriod} from K (as the last merged version said) and the replica's step
 * sharpness, or, for a model that measures none, the policy's batch size and B_noise (the policy's estimate, or, for
 * a policy that measures none, one from the gradient statistics of the replica's own deltas).
 */
public final class ModelReplica {
  /** A delta not acknowledged within this time is sent again. */
  public static final long RESEND_NANOS = 10_000_000_000L;
  /** Learners assumed before the first merged version says how many there are: this replica and the home. */
  private static final int LEARNERS_AT_START = 2;

  private final LearningLoop loop;
  private final DifferentiableModel model;
  private final int replica;
  private final SyncPeriod period;
  /** The examples a policy's B_noise estimate averages over (goodput's default window). */
  static final double POLICY_NOISE_WINDOW = PrequentialScore.RECENT_EXAMPLES;
  /**
   * The examples this replica's own estimate averages over: B_noise of a model of a thousand features runs to ten
   * thousand examples and more, which an average over fewer cannot tell from an infinite one.
   */
  static final double NOISE_WINDOW = 10_000;
  /** B_noise from the deltas' summaries, for policies that do not measure it. */
  private final NoiseScaleEstimator noise = new NoiseScaleEstimator(NOISE_WINDOW);
  /** The parameters and feature statistics the next delta is taken against. */
  private double[] base;
  private ModelState.Standardization baseStatistics;
  private long updatesAtSend;
  /** The dead-letter count the last delta carried: none until one was sent. */
  private long deadLettersSent;
  private long lastSyncNanos;
  private ModelDelta inFlight;
  private long sentAtNanos;
  private int learners = LEARNERS_AT_START;
  private long mergedVersion;
  /** The examples the merged version rebased onto had taken in; NaN when unknown (restored with a delta in flight). */
  private double mergedExamples;

  private ModelReplica(LearningLoop loop, int replica, SyncPeriod period, long nowNanos) {
    if (!(loop.model() instanceof DifferentiableModel differentiable)) {
      throw new IllegalArgumentException("a " + loop.model().getClass().getSimpleName() + " cannot be learned by replicas");
    }
    this.loop = loop;
    this.model = differentiable;
    this.replica = replica;
    this.period = period;
    this.base = model.parameters();
    this.baseStatistics = model.exportState().standardizer();
    this.updatesAtSend = loop.updates();
    this.lastSyncNanos = nowNanos;
  }

  /** A replica of a new model, before its first event: its first delta is everything it learns. */
  public static ModelReplica start(LearningLoop loop, int replica, SyncPeriod period, long nowNanos) {
    return new ModelReplica(loop, replica, period, nowNanos);
  }

  /**
   * A replica restored from its checkpoint, which was written with its last delta: that delta, {@code pending}
   * (null when none was sent), is sent again at once, since its acknowledgement may be lost.
   */
  public static ModelReplica restore(LearningLoop loop, int replica, SyncPeriod period, ModelDelta pending, long nowNanos) {
    ModelReplica r = new ModelReplica(loop, replica, period, nowNanos);
    if (pending != null && pending.getSequence() == loop.version()) {
      r.inFlight = pending;
      r.sentAtNanos = nowNanos - RESEND_NANOS;
      r.deadLettersSent = pending.getDeadLetters();
      r.mergedVersion = pending.getBaseVersion();
      r.mergedExamples = Double.NaN;
    }
    return r;
  }

  /**
   * The next delta, when one is due: no delta in flight, and H updates since the last one or the staleness limit
   * with something to tell (updates or dead letters). Taking it closes the loop's interval and moves its version
   * on, so the caller must write the loop's checkpoint and the delta in the same transaction as it sends it.
   */
  public ModelDelta nextDelta(long nowNanos, long nowMillis, long lagEvents) {
    if (inFlight != null) {
      return null;
    }
    long updates = loop.updates() - updatesAtSend;
    long millis = (nowNanos - lastSyncNanos) / 1_000_000;
    boolean deadLetters = loop.deadLetters() != deadLettersSent && millis >= period.maxStalenessMillis();
    double noiseScale = noiseScale();
    if (!deadLetters && !period.due(updates, millis, learners, batchSize(), noiseScale, loop.stepSharpness())) {
      return null;
    }
    double[] parameters = model.parameters();
    double[] delta = new double[parameters.length];
    for (int j = 0; j < delta.length; j++) {
      delta[j] = parameters[j] - base[j];
    }
    ModelState state = model.exportState();
    ModelState.Standardization statistics = state.standardizer();
    int steps = period.steps(learners, batchSize(), noiseScale, loop.stepSharpness());
    loop.nextVersion(nowNanos);
    TrainingMetrics learned = loop.closeInterval(nowMillis, lagEvents);
    ModelDelta sent = ModelDelta.newBuilder()
        .setModelId(loop.modelId())
        .setReplica(replica)
        .setSequence(loop.version())
        .setCreatedAt(Instant.ofEpochMilli(nowMillis))
        .setModelSpec(state.spec())
        .setFeatureCount(loop.featureCount())
        .setParameters(PackedArrays.pack(delta, loop.float32State()))
        .setStandardizer(statistics == null ? null : PackedArrays.pack(statistics.minus(baseStatistics)))
        .setLearned(learned)
        .setDeadLetters(loop.deadLetters())
        .setNoiseScale(Double.isFinite(noiseScale) ? noiseScale : null)
        .setStepSharpness(Double.isFinite(loop.stepSharpness()) ? loop.stepSharpness() : null)
        .setSyncUpdates(steps)
        .setBaseVersion(mergedVersion)
        .build();
    observeNoise(learned);
    base = parameters;
    baseStatistics = statistics;
    updatesAtSend = loop.updates();
    deadLettersSent = loop.deadLetters();
    lastSyncNanos = nowNanos;
    inFlight = sent;
    sentAtNanos = nowNanos;
    return sent;
  }

  /** The delta in flight, when its acknowledgement is overdue: to be sent again as it is. */
  public ModelDelta overdueDelta(long nowNanos) {
    if (inFlight == null || nowNanos - sentAtNanos < RESEND_NANOS) {
      return null;
    }
    sentAtNanos = nowNanos;
    return inFlight;
  }

  /**
   * Takes a merged version of the model: when it includes every delta this replica sent, the model becomes the
   * merged parameters combined with what the replica learned since its last delta by the curvature, as a merge
   * combines a delta ({@link SyncPeriod#mergeWeights}), and the feature statistics the merged ones plus its own
   * since; the next delta is taken against the merged version. An older version, or one still without the delta in
   * flight, only tells how many learners there are.
   *
   * @return whether the replica rebased onto it
   */
  public boolean rebase(MergedModel merged) {
    learners = Math.max(1, merged.getLearners());
    ReplicaProgress own = null;
    for (ReplicaProgress p : merged.getReplicas()) {
      if (p.getReplica() == replica) {
        own = p;
      }
    }
    if (own == null || merged.getVersion() <= mergedVersion || own.getSequence() < loop.version()) {
      return false;
    }
    double[] mergedParameters = PackedArrays.unpack(merged.getParameters());
    double[] parameters = model.parameters();
    if (mergedParameters.length != parameters.length) {
      return false;
    }
    SyncPeriod.MergeWeights weights = rebaseWeights(merged);
    double ownShare = weights.delta();
    double takenBack = weights.takenBack();
    for (int j = 0; j < parameters.length; j++) {
      parameters[j] = mergedParameters[j] + ownShare * (parameters[j] - base[j])
          - takenBack * (mergedParameters[j] - base[j]);
    }
    model.setParameters(parameters);
    ModelState.Standardization mergedStatistics = PackedArrays.unpack(merged.getStandardizer());
    if (mergedStatistics != null && baseStatistics != null) {
      ModelState.Standardization statistics = model.exportState().standardizer();
      model.setStandardizer(mergedStatistics.plus(statistics.minus(baseStatistics)));
      baseStatistics = mergedStatistics;
    }
    base = mergedParameters;
    mergedVersion = merged.getVersion();
    mergedExamples = merged.getExamplesSeen();
    inFlight = null;
    return true;
  }

  /**
   * How the replica's updates since its delta (its own move d' from the parameters it sent, w_s) combine with the
   * merged version M, which moved M - w_s from there: by the curvature as a merge combines a delta
   * ({@link SyncPeriod#mergeWeights}), the replica becoming M + a d' - b (M - w_s). The merged model's updates the
   * replica did not see are its examples past the version the replica's delta was based on and the delta's own, at
   * the replica's batch size. While eps h times either part's updates is small this is M + d', what the replica learned
   * since added onto the merged model; once both went far past the curvature's time scale it is the mean of M and
   * where the replica got to, where the sum would add the difference of two noisy points to M. Without a measured
   * curvature, or after a restart (the base version's examples unknown), the sum.
   */
  private SyncPeriod.MergeWeights rebaseWeights(MergedModel merged) {
    double sharpness = loop.stepSharpness();
    TrainingMetrics sent = inFlight == null ? null : inFlight.getLearned();
    if (!Double.isFinite(sharpness) || Double.isNaN(mergedExamples) || sent == null || sent.getExamples() <= 0) {
      return SyncPeriod.MergeWeights.SUM;
    }
    double unseen = merged.getExamplesSeen() - mergedExamples - sent.getExamples();
    return SyncPeriod.mergeWeights(sharpness, loop.updates() - updatesAtSend, ModelMerge.asUpdates(unseen, sent));
  }

  private double batchSize() {
    return loop.decision().batchSize();
  }

  /**
   * B_noise: the policy's, or, when it measures none, the estimate from this replica's deltas. An unbounded one counts
   * as the examples its estimate averages over ({@link #POLICY_NOISE_WINDOW}, {@link #NOISE_WINDOW}), the most such an
   * average can tell from an infinite one (as goodput's curvature rule counts it).
   */
  public double noiseScale() {
    double measured = loop.decision().noiseScale();
    if (!Double.isNaN(measured)) {
      return Double.isInfinite(measured) ? POLICY_NOISE_WINDOW : measured;
    }
    double estimated = noise.current().noiseScale();
    return Double.isInfinite(estimated) ? NOISE_WINDOW : estimated;
  }

  /** A delta's summary holds the means over its updates: each update counts, as the policy's estimator counts it. */
  private void observeNoise(TrainingMetrics learned) {
    if (learned.getUpdates() > 0) {
      int meanBatch = (int) Math.round((double) learned.getExamples() / learned.getUpdates());
      for (long u = 0; u < learned.getUpdates(); u++) {
        noise.observe(meanBatch, learned.getMeanExampleGradientSquaredNorm(), learned.getMeanGradientSquaredNorm());
      }
    }
  }

  public LearningLoop loop() {
    return loop;
  }

  /** K as the last merged version said (two before the first). */
  public int learners() {
    return learners;
  }

  /** The version of the merged model this replica last rebased onto; 0 before the first. */
  public long mergedVersion() {
    return mergedVersion;
  }

  public boolean awaitingMerge() {
    return inFlight != null;
  }
}
