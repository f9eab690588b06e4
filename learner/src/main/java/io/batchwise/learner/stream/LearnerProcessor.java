package io.batchwise.learner.stream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

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
 * <p>Exactly-once without writing a model per update: every valid event is numbered and kept in the
 * changelogged {@code pending} store as it arrives (in chunks, see {@link PendingEvents}). Updates change
 * only the in-memory model. A checkpoint, every punctuation and before each snapshot, writes the model
 * state with the number of the first event it does not include ({@code learnedThrough}), deletes the
 * chunks wholly below it, and
 * forwards the updates' metrics, all in the same transaction. Whenever Kafka Streams commits, the stores
 * therefore hold a state and exactly the events after it; after a crash the learner replays those from
 * the store, and nothing from the lost updates was ever visible. Dead-letter counts are written at once,
 * since their records are.
 */
final class LearnerProcessor implements Processor<String, byte[], String, Object> {
  private final LearnerConfig config;
  private final AvroSerde<LabelledEvent> eventSerde = Serdes.labelledEvent();
  private final Map<String, LearningLoop> loops = new HashMap<>();
  private final Map<String, PendingEvents> pendingEvents = new HashMap<>();
  private final Set<String> uncheckpointed = new LinkedHashSet<>();
  private final List<TrainingMetrics> unforwardedMetrics = new ArrayList<>();
  /** Per feature count: why such a model cannot be learned (its snapshots would be too large to publish). */
  private final Map<Integer, String> oversized = new HashMap<>();
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, ModelSnapshot> models;
  private KeyValueStore<String, byte[]> pending;
  private KeyValueStore<String, Long> deadLetterCounts;
  private LearnerMetrics metrics;
  private long lastRecordTimestamp = -1;
  /** End offsets of the input partitions (null without a running Kafka Streams, e.g. under TopologyTestDriver). */
  private final InputLag inputLag;
  private TopicPartition lastPartition;
  private long lastOffset = -1;
  /** Smoothed cost of emitting one update's metrics record: part of every update's cost. */
  private double metricsForwardSeconds;

  LearnerProcessor(LearnerConfig config, InputLag inputLag) {
    this.config = config;
    this.inputLag = inputLag;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.models = context.getStateStore(LearnerTopology.MODELS_STORE);
    this.pending = context.getStateStore(LearnerTopology.PENDING_STORE);
    this.deadLetterCounts = context.getStateStore(LearnerTopology.DEAD_LETTER_COUNTS_STORE);
    this.metrics = new LearnerMetrics(context.metrics(), context.taskId().toString());
    restoreLoops();
    context.schedule(Duration.ofMillis(config.punctuateIntervalMillis()), PunctuationType.WALL_CLOCK_TIME,
        this::punctuate);
  }

  /** Rebuilds the loops and their pending micro-batches from the stores after a (re)start or a move. */
  private void restoreLoops() {
    long now = context.currentSystemTimeMs();
    try (KeyValueIterator<String, ModelSnapshot> it = models.all()) {
      while (it.hasNext()) {
        KeyValue<String, ModelSnapshot> entry = it.next();
        ModelSnapshot stored = entry.value;
        loops.put(entry.key, LearningLoop.restore(stored, SnapshotCodec.model(stored), BatchingPolicies.parse(
            stored.getBatchingPolicy(), config.maxLatencyMillis(), stored.getOptimizer().getSpec())));
        events(entry.key).restoreWatermark(stored.getLearnedThrough());
      }
    }
    List<String> obsolete = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = pending.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> entry = it.next();
        String modelId = PendingEvents.modelIdOf(entry.key);
        List<byte[]> unlearned = events(modelId).restoreChunk(entry.key, entry.value);
        if (unlearned == null) {
          obsolete.add(entry.key);
          continue;
        }
        for (byte[] bytes : unlearned) {
          LabelledEvent event = eventSerde.deserialize(config.eventsTopic(), bytes);
          loops.computeIfAbsent(modelId, id -> config.newLoop(id, dimension(event))).add(event, now, now);
        }
      }
    }
    obsolete.forEach(pending::delete);
    try (KeyValueIterator<String, Long> it = deadLetterCounts.all()) {
      while (it.hasNext()) {
        KeyValue<String, Long> entry = it.next();
        LearningLoop loop = loops.get(entry.key);
        if (loop != null) {
          loop.restoreDeadLetters(entry.value);
        }
      }
    }
  }

  private PendingEvents events(String modelId) {
    return pendingEvents.computeIfAbsent(modelId, PendingEvents::new);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    long started = System.nanoTime();
    long now = context.currentSystemTimeMs();
    lastRecordTimestamp = record.timestamp();
    if (inputLag != null) {
      context.recordMetadata().ifPresent(this::rememberPosition);
    }
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
      String unlearnable = d < 1 ? "no features" : oversized.computeIfAbsent(d, config::snapshotTooLarge);
      if (unlearnable != null) {
        deadLetter(record, modelId, unlearnable, now);
        return;
      }
      loop = config.newLoop(modelId, d);
      loops.put(modelId, loop);
    }
    String reason = loop.rejectionReason(event);
    if (reason != null) {
      loop.countDeadLetter();
      deadLetterCounts.put(modelId, loop.deadLetters());
      deadLetter(record, modelId, reason, now);
      return;
    }
    KeyValue<String, byte[]> chunk = events(modelId).append(record.value());
    pending.put(chunk.key, chunk.value);
    loop.add(event, record.timestamp(), now);
    loop.addEventCost(System.nanoTime() - started);
    if (loop.batchFull()) {
      learn(loop, now);
    }
  }

  private void punctuate(long now) {
    for (LearningLoop loop : loops.values()) {
      if (loop.waitedTooLong(now)) {
        learn(loop, now);
      }
    }
    for (LearningLoop loop : loops.values()) {
      if (loop.snapshotDue(now, config.snapshotIntervalMillis(), config.snapshotEveryUpdates())) {
        publish(loop, now);
      }
    }
    for (String modelId : List.copyOf(uncheckpointed)) {
      checkpoint(loops.get(modelId), now);
    }
    forwardMetrics(now);
  }

  private void learn(LearningLoop loop, long now) {
    TrainingMetrics update = loop.step(now, estimatedLag(loop, now), metricsForwardSeconds);
    events(loop.modelId()).markAllLearned();
    uncheckpointed.add(loop.modelId());
    metrics.update(update);
    unforwardedMetrics.add(update);
  }

  /** Makes the model's state durable: the state with its watermark, and the learned events out of the store. */
  private void checkpoint(LearningLoop loop, long now) {
    PendingEvents events = events(loop.modelId());
    models.put(loop.modelId(), loop.state(now, events.learned()));
    events.checkpoint().forEach(pending::delete);
    uncheckpointed.remove(loop.modelId());
  }

  private void publish(LearningLoop loop, long now) {
    loop.nextVersion(now);
    checkpoint(loop, now);
    forwardMetrics(now);
    context.forward(new Record<>(loop.modelId(), loop.state(now), now), LearnerTopology.SNAPSHOTS_SINK);
  }

  /** Metrics go out with (never before) the checkpoint of the updates they describe. */
  private void forwardMetrics(long now) {
    if (unforwardedMetrics.isEmpty()) {
      return;
    }
    long started = System.nanoTime();
    for (TrainingMetrics update : unforwardedMetrics) {
      context.forward(new Record<>(update.getModelId(), update, now), LearnerTopology.METRICS_SINK);
    }
    double perUpdate = (System.nanoTime() - started) / 1e9 / unforwardedMetrics.size();
    metricsForwardSeconds = metricsForwardSeconds == 0 ? perUpdate : 0.9 * metricsForwardSeconds + 0.1 * perUpdate;
    unforwardedMetrics.clear();
  }

  private void rememberPosition(RecordMetadata meta) {
    if (lastPartition == null || lastPartition.partition() != meta.partition() || !lastPartition.topic().equals(meta.topic())) {
      lastPartition = new TopicPartition(meta.topic(), meta.partition());
    }
    lastOffset = meta.offset();
  }

  /**
   * Events behind the one last processed: the consumer lag where the input partition's end offset is known
   * (and then the loop hears the rate the partition grows at now); else how long that event waited in the
   * topic times the arrival rate.
   */
  private long estimatedLag(LearningLoop loop, long now) {
    if (inputLag != null && lastPartition != null) {
      long lag = inputLag.lagAfter(lastPartition, lastOffset);
      if (lag >= 0) {
        loop.limitArrivalRate(inputLag.appendRate(lastPartition));
        return lag;
      }
    }
    double rate = loop.arrivalRate();
    if (lastRecordTimestamp < 0 || !(rate > 0)) {
      return 0;
    }
    return Math.max(0, Math.round((now - lastRecordTimestamp) / 1000.0 * rate));
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
        .setOriginalKey(record.key() == null ? null : ByteBuffer.wrap(record.key().getBytes(StandardCharsets.UTF_8)))
        .setOriginalValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
        .build();
    context.forward(new Record<>(modelId == null ? record.key() : modelId, letter, now),
        LearnerTopology.DEAD_LETTER_SINK);
  }

  @Override
  public void close() {
    if (metrics != null) {
      metrics.close();
    }
  }
}
