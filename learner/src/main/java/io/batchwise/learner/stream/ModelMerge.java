package io.batchwise.learner.stream;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.batchwise.learner.model.DifferentiableModel;
import io.batchwise.learner.model.ModelState;
import io.batchwise.policy.BatchingPolicies;
import io.batchwise.policy.BatchingPolicy;
import io.batchwise.policy.GoodputPolicy;
import io.batchwise.policy.LearningRateCoupling;
import io.batchwise.policy.OptimizerFamily;
import io.batchwise.policy.SyncPeriod;
import io.batchwise.schemas.MergeState;
import io.batchwise.schemas.MergedModel;
import io.batchwise.schemas.ModelDelta;
import io.batchwise.schemas.ReplicaProgress;
import io.batchwise.schemas.TrainingMetrics;

/**
 * The merging of a model's replicas into the model, at its home: the learner of the model's own partition, whose
 * {@link LearningLoop} learns that partition's events as it would alone and publishes the one version sequence.
 * Each replica's delta is applied once, in sequence-number order (one sent again is acknowledged, not counted),
 * together with what the model took in since the version the replica learned from, which it did not see: as one
 * learner taking both would have combined them, by the curvature the model measures ({@link SyncPeriod#mergeWeights});
 * for a model that measures none, scaled by the learning-rate coupling for the combined batch
 * ({@link SyncPeriod#mergeScale}, the staleness-aware weighting of asynchronous SGD). The home's own updates, taken on
 * the current model, are never stale. The delta's examples, updates and prequential scores join the loop's totals and
 * its next summary. After each publication the merged state goes to the replicas with
 * the last delta of each it includes. Kafka-free: the processor and the benchmarks' simulation drive it.
 */
public final class ModelMerge {
  /** Published versions whose examples a merge remembers: deltas taken from older ones count as from the oldest. */
  private static final int VERSIONS_REMEMBERED = 1024;
  /** Versions sent to replicas whose parameters a merge keeps at most, for the deltas taken from them. */
  private static final int BASES_REMEMBERED = 64;
  /** A replica counts among the learners while its last delta is at most this old. */
  public static final long ACTIVE_NANOS = 30_000_000_000L;
  /** The share of the home's time that the commits of its merged versions may take. */
  public static final double MAX_COMMIT_SHARE = 0.25;

  private final LearningLoop loop;
  private final DifferentiableModel model;
  private final LearningRateCoupling coupling;
  private final Map<Integer, Replica> replicas = new TreeMap<>();
  /** Replicas that sent a delta again, which the next merged version they get acknowledges. */
  private final Set<Integer> owed = new TreeSet<>();
  /** The examples each recent published version included, for the staleness of a delta taken from it. */
  private final TreeMap<Long, Long> examplesAtVersion = new TreeMap<>();
  /** The parameters of the versions replicas may have rebased onto since their last delta: the bases of their next. */
  private final TreeMap<Long, double[]> parametersAtVersion = new TreeMap<>();
  /** The parameters a new model starts from, the base of a replica's deltas until it first rebases; null if unknown. */
  private final double[] initialParameters;
  private boolean mergedSincePublication;
  /** The latest event time among the merged deltas. */
  private long eventTime = -1;
  /** The interval's merges, for its summary: count, and the sums of H, ms between deltas, K H B and the scale. */
  private long merges;
  private double syncUpdates;
  private double syncMillis;
  private double combinedBatch;
  private double scales;

  /** What the merge knows of one replica. */
  private static final class Replica {
    long sequence;
    long deadLetters;
    long lastMergedNanos;
    /** The delta the versions sent to it acknowledge, and the first of them: the base of its next delta is no older. */
    long acknowledged = -1;
    long baseAtLeast;

    Replica(long sequence, long deadLetters, long lastMergedNanos) {
      this.sequence = sequence;
      this.deadLetters = deadLetters;
      this.lastMergedNanos = lastMergedNanos;
    }
  }

  /**
   * The merge of {@code loop}'s model, whatever it learned already; {@code initialParameters} are those a new model
   * of its kind starts from (version 0, which a replica's deltas are taken against until it first rebases), null
   * when unknown.
   */
  public ModelMerge(LearningLoop loop, LearningRateCoupling coupling, double[] initialParameters) {
    if (!(loop.model() instanceof DifferentiableModel differentiable)) {
      throw new IllegalArgumentException("a " + loop.model().getClass().getSimpleName() + " cannot merge replicas");
    }
    this.loop = loop;
    this.model = differentiable;
    this.coupling = coupling;
    this.initialParameters = initialParameters == null ? null : initialParameters.clone();
    examplesAtVersion.put(loop.version(), loop.examplesSeen());
    parametersAtVersion.put(loop.version(), model.parameters());
  }

  /** The examples version {@code version} included, or of the oldest version remembered when it is older. */
  private long examplesAt(long version) {
    if (version == 0 && initialParameters != null) {
      return 0;
    }
    var entry = examplesAtVersion.floorEntry(version);
    return entry != null ? entry.getValue() : examplesAtVersion.firstEntry().getValue();
  }

  /** The parameters of version {@code version}, a delta's base; null when not remembered. */
  private double[] parametersAt(long version) {
    return version == 0 && initialParameters != null ? initialParameters : parametersAtVersion.get(version);
  }

  /**
   * How long after its last publication a model whose replicas wait for a merge publishes again: {@code merge.interval.ms},
   * or longer where the commit the home asks for with each merged version would take more than
   * {@value #MAX_COMMIT_SHARE} of its time; never longer than {@code snapshot.interval.ms}. A home committing as often
   * as commits allow does little else: it merges deltas more slowly than they arrive, and every replica's round trip
   * waits behind it.
   *
   * @param commitMillis what a commit takes, as measured ({@link CommitCost}); NaN when not known yet
   */
  public static long publishIntervalMillis(long mergeIntervalMillis, long snapshotIntervalMillis, double commitMillis) {
    long interval = Math.min(mergeIntervalMillis, snapshotIntervalMillis);
    if (commitMillis > 0 && Double.isFinite(commitMillis)) {
      interval = Math.max(interval, Math.min(snapshotIntervalMillis, (long) Math.ceil(commitMillis / MAX_COMMIT_SHARE)));
    }
    return interval;
  }

  /**
   * How a merge scales a replica's delta: by the batching policy's learning-rate coupling where it has one
   * (goodput's {@code lr=}), else by the rule for the model's optimizer (AdaScale for SGD, sqrt for Adam).
   */
  public static LearningRateCoupling coupling(String batchPolicy, String optimizerSpec) {
    BatchingPolicy policy = BatchingPolicies.parse(batchPolicy, 1, optimizerSpec);
    return policy instanceof GoodputPolicy goodput ? goodput.config().coupling()
        : OptimizerFamily.of(optimizerSpec).coupling();
  }

  /** The merge of a model restored from its checkpoint, with the replicas' progress stored beside it. */
  public static ModelMerge restore(LearningLoop loop, LearningRateCoupling coupling, double[] initialParameters,
      MergeState state, long nowNanos) {
    ModelMerge merge = new ModelMerge(loop, coupling, initialParameters);
    for (ReplicaProgress p : state.getReplicas()) {
      merge.replicas.put(p.getReplica(), new Replica(p.getSequence(), p.getDeadLetters(), nowNanos));
    }
    loop.deadLettersElsewhere(merge.replicaDeadLetters());
    return merge;
  }

  /**
   * Applies a replica's delta, unless the model includes it already (then the replica is owed an acknowledgement)
   * or it is of another shape. {@code eventTime} is the delta's record timestamp.
   *
   * @return whether it was applied
   */
  public boolean merge(ModelDelta delta, long eventTime, long nowNanos) {
    Replica known = replicas.get(delta.getReplica());
    if (known != null && delta.getSequence() <= known.sequence) {
      owed.add(delta.getReplica());
      return false;
    }
    double[] change = PackedArrays.unpack(delta.getParameters());
    double[] parameters = model.parameters();
    if (change.length != parameters.length || delta.getFeatureCount() != loop.featureCount()) {
      throw new IllegalArgumentException("a delta of " + delta.getFeatureCount() + " features and " + change.length
          + " parameters from partition " + delta.getReplica() + " does not fit model " + loop.modelId() + " of "
          + loop.featureCount() + " features and " + parameters.length + " parameters");
    }
    if (known == null) {
      known = new Replica(0, 0, nowNanos);
      replicas.put(delta.getReplica(), known);
    }
    known.sequence = delta.getSequence();
    known.deadLetters = delta.getDeadLetters();
    known.lastMergedNanos = nowNanos;
    TrainingMetrics learned = delta.getLearned();
    double noiseScale = delta.getNoiseScale() == null ? Double.NaN : delta.getNoiseScale();
    // the replica learned from the merged version it rebased onto: what the model took in since, it did not see
    double examples = learned.getExamples();
    double unseen = loop.examplesSeen() - examplesAt(delta.getBaseVersion());
    double[] base = parametersAt(delta.getBaseVersion());
    // the curvature as this model measures it, or as the replica did where this one has learned nothing yet
    double sharpness = Double.isFinite(loop.stepSharpness()) || delta.getStepSharpness() == null
        ? loop.stepSharpness() : delta.getStepSharpness();
    SyncPeriod.MergeWeights weights = weights(learned, unseen, base != null, sharpness, noiseScale);
    double scale = weights.delta();
    double takenBack = weights.takenBack();
    for (int j = 0; j < parameters.length; j++) {
      parameters[j] += scale * change[j] - (takenBack == 0 ? 0 : takenBack * (parameters[j] - base[j]));
    }
    model.setParameters(parameters);
    ModelState.Standardization added = PackedArrays.unpack(delta.getStandardizer());
    ModelState.Standardization statistics = model.exportState().standardizer();
    if (added != null && statistics != null) {
      model.setStandardizer(statistics.plus(added));
    }
    loop.absorb(learned);
    loop.deadLettersElsewhere(replicaDeadLetters());
    merges++;
    syncUpdates += learned.getUpdates();
    syncMillis += learned.getIntervalEnd().toEpochMilli() - learned.getIntervalStart().toEpochMilli();
    combinedBatch += examples + unseen;
    scales += scale;
    mergedSincePublication = true;
    this.eventTime = Math.max(this.eventTime, eventTime);
    return true;
  }

  /**
   * The merge's weights for a delta of {@code learned} updates from a version the model has since taken {@code unseen}
   * examples past: by the curvature, eps h per update ({@link SyncPeriod#mergeWeights}; the model's own move is taken
   * back only when the delta's base is known), else by the learning-rate coupling for the combined batch
   * ({@link SyncPeriod#mergeScale}).
   */
  private SyncPeriod.MergeWeights weights(TrainingMetrics learned, double unseen, boolean baseKnown, double sharpness,
      double noiseScale) {
    double examples = learned.getExamples();
    if (Double.isFinite(sharpness) && learned.getUpdates() > 0) {
      SyncPeriod.MergeWeights w = SyncPeriod.mergeWeights(sharpness, learned.getUpdates(), asUpdates(unseen, learned));
      // without the base, the order that needs none: the model's updates, then the delta's
      return baseKnown ? w : new SyncPeriod.MergeWeights(Math.max(0, 2 * w.delta() - 1), 0);
    }
    return new SyncPeriod.MergeWeights(SyncPeriod.mergeScale(coupling, examples, examples + unseen, noiseScale), 0);
  }

  /**
   * {@code examples} counted in updates at the mean batch size of the delta {@code learned} summarizes (it has
   * examples): the merge rule counts what a part missed in updates, and only examples are known of the model's part.
   */
  static double asUpdates(double examples, TrainingMetrics learned) {
    return examples * learned.getUpdates() / learned.getExamples();
  }

  /** K: the replicas whose last delta is recent, and this learner. */
  public int learners(long nowNanos) {
    int active = 1;
    for (Replica r : replicas.values()) {
      if (nowNanos - r.lastMergedNanos <= ACTIVE_NANOS) {
        active++;
      }
    }
    return active;
  }

  /** True while replicas wait for a merged version: deltas were merged since the last publication, or sent again. */
  public boolean replicasWaiting() {
    return mergedSincePublication || !owed.isEmpty();
  }

  /** True when only acknowledgements are owed: the published state is the current one and can be sent again. */
  public boolean onlyAcknowledgementsOwed() {
    return !owed.isEmpty() && !loop.hasUnpublishedChanges();
  }

  /**
   * The merged model as last published, for the replicas to rebase onto: to every active replica and those owed an
   * acknowledgement, or to the latter only; null when there is nobody to send it to. Call it right after a
   * publication, or when {@link #onlyAcknowledgementsOwed()}, so that it is the state of the published version.
   */
  public MergedModel mergedModel(long nowMillis, long nowNanos, boolean everyone) {
    Set<Integer> recipients = new TreeSet<>(owed);
    if (everyone) {
      replicas.forEach((replica, r) -> {
        if (nowNanos - r.lastMergedNanos <= ACTIVE_NANOS) {
          recipients.add(replica);
        }
      });
    }
    owed.clear();
    if (recipients.isEmpty()) {
      return null;
    }
    List<ReplicaProgress> progress = new ArrayList<>();
    for (int replica : recipients) {
      Replica r = replicas.get(replica);
      progress.add(new ReplicaProgress(replica, r.sequence, r.deadLetters));
      if (r.acknowledged != r.sequence) {
        r.acknowledged = r.sequence;
        r.baseAtLeast = loop.version();
      }
    }
    double[] parameters = model.parameters();
    rememberBase(parameters, nowNanos);
    return MergedModel.newBuilder()
        .setModelId(loop.modelId())
        .setVersion(loop.version())
        .setCreatedAt(Instant.ofEpochMilli(nowMillis))
        .setExamplesSeen(loop.examplesSeen())
        .setLearners(learners(nowNanos))
        .setParameters(PackedArrays.pack(parameters, loop.float32State()))
        .setStandardizer(PackedArrays.pack(model.exportState().standardizer()))
        .setReplicas(progress)
        .build();
  }

  /**
   * Keeps the parameters of the version about to go to the replicas, which their next deltas may be taken against,
   * and forgets those no active replica can still be based on (at most {@link #BASES_REMEMBERED} kept).
   */
  private void rememberBase(double[] parameters, long nowNanos) {
    parametersAtVersion.put(loop.version(), parameters);
    long oldest = loop.version();
    for (Replica r : replicas.values()) {
      if (nowNanos - r.lastMergedNanos <= ACTIVE_NANOS) {
        oldest = Math.min(oldest, r.baseAtLeast);
      }
    }
    while (parametersAtVersion.size() > BASES_REMEMBERED || parametersAtVersion.firstKey() < oldest) {
      parametersAtVersion.pollFirstEntry();
    }
  }

  /** What to keep beside the checkpoint: each replica's last merged delta and dead letters. */
  public MergeState state() {
    List<ReplicaProgress> progress = new ArrayList<>();
    replicas.forEach((replica, r) -> progress.add(new ReplicaProgress(replica, r.sequence, r.deadLetters)));
    return new MergeState(loop.modelId(), progress);
  }

  /** Completes a summary about to be published with the interval's merges, and starts the next interval. */
  public void describe(TrainingMetrics summary, long nowNanos) {
    examplesAtVersion.put(loop.version(), loop.examplesSeen());
    while (examplesAtVersion.size() > VERSIONS_REMEMBERED) {
      examplesAtVersion.pollFirstEntry();
    }
    summary.setLearners(learners(nowNanos));
    summary.setMerges(merges);
    if (merges > 0) {
      summary.setSyncUpdates(syncUpdates / merges);
      summary.setSyncMillis(syncMillis / merges);
      summary.setCombinedBatch(combinedBatch / merges);
      summary.setMergeScale(scales / merges);
    }
    merges = 0;
    syncUpdates = 0;
    syncMillis = 0;
    combinedBatch = 0;
    scales = 0;
    mergedSincePublication = false;
  }

  /** The latest event time the merged state includes: its own events' and the merged deltas'; -1 before any. */
  public long eventTime() {
    return Math.max(eventTime, loop.lastEventTimestamp());
  }

  /** The last sequence number merged from a replica, 0 for none. */
  public long mergedSequence(int replica) {
    Replica r = replicas.get(replica);
    return r == null ? 0 : r.sequence;
  }

  public LearningLoop loop() {
    return loop;
  }

  private long replicaDeadLetters() {
    return replicas.values().stream().mapToLong(r -> r.deadLetters).sum();
  }
}
