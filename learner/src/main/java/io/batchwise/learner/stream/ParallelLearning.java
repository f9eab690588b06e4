package io.batchwise.learner.stream;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.batchwise.learner.model.DifferentiableModel;
import io.batchwise.learner.model.ModelFactory;
import io.batchwise.learner.model.OnlineModel;
import io.batchwise.policy.LearningRateCoupling;
import io.batchwise.policy.SyncPeriod;
import io.batchwise.schemas.AvroSerde;
import io.batchwise.schemas.LearnerCheckpoint;
import io.batchwise.schemas.MergeState;
import io.batchwise.schemas.MergedModel;
import io.batchwise.schemas.ModelDelta;
import io.batchwise.schemas.Serdes;

/**
 * One task's part in learning models whose events arrive on several partitions ({@link ModelPartitioning}): a
 * {@link ModelReplica} for each model homed elsewhere whose events this partition has, and a {@link ModelMerge} for
 * each model homed here that has replicas. The processor hands it the records of the two internal topics, calls it
 * at each punctuation and publication, and publishes a model homed here as it would without replicas.
 *
 * <p>Exactly-once: a replica's delta goes out in the transaction that writes the replica's checkpoint (the state
 * right after it) and the delta itself into the {@code replica-deltas} store; the home writes, with each checkpoint,
 * the last sequence number of each replica the checkpoint includes ({@code merges} store). A delta the home merged
 * after its last checkpoint is lost with it in a crash, but then no merged version acknowledged it (those go out
 * only with checkpoints), and the replica sends it again until one does; one merged before is recognized by its
 * sequence number and only acknowledged again. So each replica's examples count once in the merged model, whatever
 * crashes, moves or replays happen on either side.
 */
final class ParallelLearning {
  private static final Logger LOG = LoggerFactory.getLogger(ParallelLearning.class);

  private final LearnerConfig config;
  private final ModelPartitioning partitioning;
  private final int partition;
  private final SyncPeriod period;
  private final ProcessorContext<String, Object> context;
  private final KeyValueStore<String, LearnerCheckpoint> checkpoints;
  private final KeyValueStore<String, ModelDelta> sentDeltas;
  private final KeyValueStore<String, MergeState> mergeStates;
  private final AvroSerde<ModelDelta> deltas = Serdes.modelDelta();
  private final AvroSerde<MergedModel> merged = Serdes.mergedModel();
  private final Map<String, ModelReplica> replicas = new HashMap<>();
  private final Map<String, ModelMerge> merges = new HashMap<>();
  private final CommitCost commitCost;

  ParallelLearning(LearnerConfig config, ModelPartitioning partitioning, ProcessorContext<String, Object> context,
      KeyValueStore<String, LearnerCheckpoint> checkpoints, CommitCost commitCost) {
    this.config = config;
    this.commitCost = commitCost;
    this.partitioning = partitioning;
    this.partition = context.taskId().partition();
    this.period = config.syncPeriod();
    this.context = context;
    this.checkpoints = checkpoints;
    this.sentDeltas = context.getStateStore(LearnerTopology.REPLICA_DELTAS_STORE);
    this.mergeStates = context.getStateStore(LearnerTopology.MERGES_STORE);
  }

  /** True when this task learns a replica of the model: its events arrive here, its home is another partition. */
  boolean isReplica(String modelId) {
    return partitioning.partitions() > 1 && partitioning.home(modelId) != partition;
  }

  /** A loop the processor just created for a model's first event here. */
  void created(LearningLoop loop, long nowNanos) {
    if (isReplica(loop.modelId())) {
      replicas.put(loop.modelId(), ModelReplica.start(loop, partition, period, nowNanos));
    }
  }

  /** After the processor restored its loops from their checkpoints: their replicas and merges from the stores. */
  void restore(Map<String, LearningLoop> loops, long nowNanos) {
    for (LearningLoop loop : loops.values()) {
      String modelId = loop.modelId();
      if (isReplica(modelId)) {
        replicas.put(modelId, ModelReplica.restore(loop, partition, period, sentDeltas.get(modelId), nowNanos));
      } else {
        MergeState state = mergeStates.get(modelId);
        if (state != null) {
          merges.put(modelId, ModelMerge.restore(loop, coupling(loop), initialParameters(loop), state, nowNanos));
        }
      }
    }
  }

  /** True for the records of the internal topics, which {@link #process} takes. */
  boolean handles(String topic) {
    return partitioning.deltasTopic().equals(topic) || partitioning.mergedTopic().equals(topic);
  }

  /**
   * A record of one of the internal topics: a replica's delta for a model homed here, merged into the model's
   * loop ({@code homeLoop} gives it, created when the model has no events here yet; null when it cannot be
   * learned), or a merged version for a replica here to rebase onto.
   *
   * @return the loop a delta was merged into, which the processor publishes as soon as that is due; else null
   */
  LearningLoop process(String topic, Record<byte[], byte[]> record, long nowNanos,
      Function<ModelDelta, LearningLoop> homeLoop) {
    try {
      if (partitioning.deltasTopic().equals(topic)) {
        ModelDelta delta = deltas.deserialize(topic, record.value());
        ModelMerge merge = merges.get(delta.getModelId());
        if (merge == null) {
          LearningLoop loop = homeLoop.apply(delta);
          if (loop == null) {
            LOG.warn("{}: a delta of model {} from partition {} cannot be merged: the model cannot be learned here",
                context.taskId(), delta.getModelId(), delta.getReplica());
            return null;
          }
          merge = new ModelMerge(loop, coupling(loop), initialParameters(loop));
          merges.put(delta.getModelId(), merge);
        }
        merge.merge(delta, record.timestamp(), nowNanos);
        return merge.loop();
      } else {
        MergedModel model = merged.deserialize(topic, record.value());
        ModelReplica replica = replicas.get(model.getModelId());
        if (replica != null) {
          replica.rebase(model);
        }
      }
    } catch (SerializationException | IllegalArgumentException e) {
      // not acknowledged: the replica sends it again, and this says so each time
      LOG.warn("{}: a record of {} cannot be used: {}", context.taskId(), topic, e.getMessage());
    }
    return null;
  }

  /**
   * Sends each replica's delta that is due, or overdue for an acknowledgement, and the merged versions owed as
   * acknowledgements where nothing new is to be published.
   */
  void punctuate(long nowNanos, long nowMillis, ToLongFunction<LearningLoop> lag) {
    for (ModelReplica replica : replicas.values()) {
      ModelDelta again = replica.overdueDelta(nowNanos);
      if (again != null) {
        send(again, replica.loop(), nowMillis);
      } else {
        sync(replica, nowNanos, nowMillis, lag.applyAsLong(replica.loop()));
      }
    }
    for (ModelMerge merge : merges.values()) {
      if (merge.onlyAcknowledgementsOwed()) {
        sendMerged(merge, nowMillis, nowNanos, false);
      }
    }
  }

  /** After an update of a model's loop: a replica sends its delta as soon as it is due, not at the next punctuation. */
  void learned(LearningLoop loop, long nowNanos, long nowMillis, long lag) {
    if (!replicas.isEmpty()) {
      ModelReplica replica = replicas.get(loop.modelId());
      if (replica != null) {
        sync(replica, nowNanos, nowMillis, lag);
      }
    }
  }

  /** Sends the replica's next delta if it is due, with the checkpoint of the state right after it. */
  private void sync(ModelReplica replica, long nowNanos, long nowMillis, long lag) {
    ModelDelta delta = replica.nextDelta(nowNanos, nowMillis, lag);
    if (delta != null) {
      LearningLoop loop = replica.loop();
      checkpoints.put(loop.modelId(), loop.checkpoint(nowMillis));
      sentDeltas.put(loop.modelId(), delta);
      send(delta, loop, nowMillis);
    }
  }

  /** True when replicas wait for a merged version of a model homed here. */
  boolean replicasWaiting(String modelId) {
    ModelMerge merge = merges.get(modelId);
    return merge != null && merge.replicasWaiting();
  }

  /** How long after its last publication a model homed here publishes again: sooner while replicas wait. */
  long publishInterval(String modelId, long snapshotIntervalMillis) {
    return replicasWaiting(modelId)
        ? ModelMerge.publishIntervalMillis(config.mergeIntervalMillis(), snapshotIntervalMillis, commitCost.millis())
        : snapshotIntervalMillis;
  }

  /**
   * A model homed here was just published (its checkpoint stored, its summary about to go out): when it has
   * replicas, the summary gets the interval's merges, the replicas' progress goes into the store beside the
   * checkpoint, and the published state to the replicas.
   */
  void published(LearningLoop loop, io.batchwise.schemas.TrainingMetrics summary, long nowMillis) {
    ModelMerge merge = merges.get(loop.modelId());
    if (merge == null) {
      return;
    }
    long nowNanos = nowMillis * 1_000_000L;
    merge.describe(summary, nowNanos);
    mergeStates.put(loop.modelId(), merge.state());
    sendMerged(merge, nowMillis, nowNanos, true);
  }

  /**
   * Sends a delta and asks Kafka Streams to commit now rather than at the next commit interval: a record is visible to
   * its reader only once its transaction commits, and the replica waits for the merge. One commit per delta.
   */
  private void send(ModelDelta delta, LearningLoop loop, long nowMillis) {
    long eventTime = loop.lastEventTimestamp();
    context.forward(new Record<>(delta.getModelId(), delta, eventTime >= 0 ? eventTime : nowMillis),
        LearnerTopology.DELTAS_SINK);
    context.commit();
  }

  private void sendMerged(ModelMerge merge, long nowMillis, long nowNanos, boolean everyone) {
    MergedModel model = merge.mergedModel(nowMillis, nowNanos, everyone);
    if (model != null) {
      // stamped with the events' time it includes, so that each replica's task reads it in step with its events
      long eventTime = merge.eventTime();
      context.forward(new Record<>(model.getModelId(), model, eventTime >= 0 ? eventTime : nowMillis),
          LearnerTopology.MERGED_SINK);
      context.commit();  // the replicas wait for it, as the home waits for their deltas
    }
  }

  /** The parameters the loop's model started from, as every replica's did (an mlp's initialization is seeded). */
  private double[] initialParameters(LearningLoop loop) {
    OnlineModel initial = ModelFactory.create(config.modelSpec(), config.optimizer(), loop.featureCount());
    return initial instanceof DifferentiableModel differentiable ? differentiable.parameters() : null;
  }

  private LearningRateCoupling coupling(LearningLoop loop) {
    return ModelMerge.coupling(config.batchPolicy(), loop.model().exportState().optimizerSpec());
  }
}
