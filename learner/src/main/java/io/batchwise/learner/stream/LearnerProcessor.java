package io.batchwise.learner.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.batchwise.learner.model.ModelFactory;
import io.batchwise.learner.snapshot.SnapshotCodec;
import io.batchwise.policy.BatchingPolicies;
import io.batchwise.schemas.AvroSerde;
import io.batchwise.schemas.DeadLetter;
import io.batchwise.schemas.DenseFeatures;
import io.batchwise.schemas.LabelledEvent;
import io.batchwise.schemas.ModelSnapshot;
import io.batchwise.schemas.Serdes;
import io.batchwise.schemas.SparseFeatures;
import io.batchwise.schemas.TrainingMetrics;

/**
 * Runs the learning loops of the models whose events land on this task's partition.
 *
 * <p>Crash safety: every buffered event is also in the changelogged {@code pending} store until the
 * update that learns it, and the update writes the model state to the changelogged {@code models}
 * store in the same transaction that deletes those events (exactly_once_v2). So an event whose
 * offset is committed is either pending in a store or already in the model, never lost or learned twice.
 */
final class LearnerProcessor implements Processor<String, byte[], String, Object> {
  private final LearnerConfig config;
  private final AvroSerde<LabelledEvent> eventSerde = Serdes.labelledEvent();
  private final Map<String, LearningLoop> loops = new HashMap<>();
  /** Per model: the sequence numbers of its pending events, [first, next). */
  private final Map<String, long[]> pendingSeq = new HashMap<>();
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, ModelSnapshot> models;
  private KeyValueStore<String, byte[]> pending;
  private long lastRecordTimestamp = -1;
  private LearnerMetrics metrics;

  LearnerProcessor(LearnerConfig config) {
    this.config = config;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.models = context.getStateStore(LearnerTopology.MODELS_STORE);
    this.pending = context.getStateStore(LearnerTopology.PENDING_STORE);
    this.metrics = new LearnerMetrics(context.metrics(), context.taskId().toString());
    restoreLoops();
    context.schedule(Duration.ofMillis(config.punctuateIntervalMillis()), PunctuationType.WALL_CLOCK_TIME,
        this::punctuate);
  }

  /** Rebuilds the in-memory loops and their pending micro-batches from the stores after a (re)start. */
  private void restoreLoops() {
    long now = context.currentSystemTimeMs();
    try (KeyValueIterator<String, ModelSnapshot> it = models.all()) {
      while (it.hasNext()) {
        KeyValue<String, ModelSnapshot> entry = it.next();
        ModelSnapshot stored = entry.value;
        loops.put(entry.key, LearningLoop.restore(stored, SnapshotCodec.model(stored),
            BatchingPolicies.parse(stored.getBatchingPolicy(), config.maxLatencyMillis())));
      }
    }
    try (KeyValueIterator<String, byte[]> it = pending.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> entry = it.next();
        PendingKey key = PendingKey.parse(entry.key);
        LabelledEvent event = eventSerde.deserialize(config.eventsTopic(), entry.value);
        LearningLoop loop = loops.computeIfAbsent(key.modelId(), id -> newLoop(id, dimension(event)));
        loop.add(event, now, now);
        long[] seq = pendingSeq.computeIfAbsent(key.modelId(), id -> new long[] {key.seq(), key.seq()});
        seq[1] = key.seq() + 1;
      }
    }
  }

  @Override
  public void process(Record<String, byte[]> record) {
    long now = context.currentSystemTimeMs();
    lastRecordTimestamp = record.timestamp();
    LabelledEvent event;
    try {
      event = eventSerde.deserialize(config.eventsTopic(), record.value());
    } catch (SerializationException e) {
      deadLetter(record, null, "undecodable: " + e.getMessage(), now);
      return;
    }
    if (event == null) {
      deadLetter(record, record.key(), "empty value (null)", now);
      return;
    }
    String modelId = event.getModelId();
    LearningLoop loop = loops.get(modelId);
    if (loop == null) {
      int d = config.featureCount() > 0 ? config.featureCount() : dimension(event);
      if (d < 1) {
        deadLetter(record, modelId, "no features", now);
        return;
      }
      loop = newLoop(modelId, d);
      loops.put(modelId, loop);
    }
    String reason = loop.rejectionReason(event);
    if (reason != null) {
      loop.countDeadLetter();
      deadLetter(record, modelId, reason, now);
      models.put(modelId, loop.state(now));
      return;
    }
    long[] seq = pendingSeq.computeIfAbsent(modelId, id -> new long[2]);
    pending.put(new PendingKey(modelId, seq[1]).toString(), record.value());
    seq[1]++;
    loop.add(event, record.timestamp(), now);
    if (loop.batchFull()) {
      learn(loop, now);
    }
  }

  private void punctuate(long now) {
    for (LearningLoop loop : loops.values()) {
      if (loop.waitedTooLong(now)) {
        learn(loop, now);
      }
      if (loop.snapshotDue(now, config.snapshotIntervalMillis(), config.snapshotEveryUpdates())) {
        publish(loop, now);
      }
    }
  }

  private void learn(LearningLoop loop, long now) {
    String modelId = loop.modelId();
    long lag = estimatedLag(loop, now);
    TrainingMetrics update = loop.step(now, lag);
    long[] seq = pendingSeq.get(modelId);
    for (long s = seq[0]; s < seq[1]; s++) {
      pending.delete(new PendingKey(modelId, s).toString());
    }
    seq[0] = seq[1];
    metrics.update(update);
    context.forward(new Record<>(modelId, update, now), LearnerTopology.METRICS_SINK);
    if (loop.snapshotDue(now, config.snapshotIntervalMillis(), config.snapshotEveryUpdates())) {
      publish(loop, now);
    } else {
      models.put(modelId, loop.state(now));
    }
  }

  private void publish(LearningLoop loop, long now) {
    ModelSnapshot snapshot = loop.publishSnapshot(now);
    models.put(loop.modelId(), snapshot);
    context.forward(new Record<>(loop.modelId(), snapshot, now), LearnerTopology.SNAPSHOTS_SINK);
  }

  /** Events behind the one being processed: how long it waited in the topic times the arrival rate. */
  private long estimatedLag(LearningLoop loop, long now) {
    double rate = loop.arrivalRate();
    if (lastRecordTimestamp < 0 || !(rate > 0)) {
      return 0;
    }
    return Math.max(0, Math.round((now - lastRecordTimestamp) / 1000.0 * rate));
  }

  private LearningLoop newLoop(String modelId, int featureCount) {
    return new LearningLoop(modelId, ModelFactory.create(config.modelKind(), featureCount),
        BatchingPolicies.parse(config.batchPolicy(), config.maxLatencyMillis()));
  }

  private static int dimension(LabelledEvent event) {
    Object features = event.getFeatures();
    if (features instanceof DenseFeatures dense) {
      return dense.getValues().size();
    }
    return features instanceof SparseFeatures sparse ? sparse.getSize() : 0;
  }

  private void deadLetter(Record<String, byte[]> record, String modelId, String reason, long now) {
    metrics.deadLetter();
    RecordMetadata meta = context.recordMetadata().orElse(null);
    DeadLetter letter = DeadLetter.newBuilder()
        .setSourceTopic(meta == null ? config.eventsTopic() : meta.topic())
        .setPartition(meta == null ? -1 : meta.partition())
        .setOffset(meta == null ? -1 : meta.offset())
        .setTimestamp(Instant.ofEpochMilli(now))
        .setModelId(modelId)
        .setReason(reason)
        .setDetectedBy("learner")
        .setOriginalKey(record.key() == null ? null
            : java.nio.ByteBuffer.wrap(record.key().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .setOriginalValue(record.value() == null ? null : java.nio.ByteBuffer.wrap(record.value()))
        .build();
    context.forward(new Record<>(modelId == null ? record.key() : modelId, letter, now), LearnerTopology.DEAD_LETTER_SINK);
  }

  @Override
  public void close() {
    if (metrics != null) {
      metrics.close();
    }
  }

  /** Key of a pending event: model id and a zero-padded sequence number, so keys sort in arrival order. */
  record PendingKey(String modelId, long seq) {
    static PendingKey parse(String key) {
      int cut = key.lastIndexOf('/');
      return new PendingKey(key.substring(0, cut), Long.parseLong(key.substring(cut + 1)));
    }

    @Override
    public String toString() {
      return modelId + "/" + String.format("%019d", seq);
    }
  }
}
