package io.batchwise.learner.stream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

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

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.batchwise.learner.input.InputDecoder;
import io.batchwise.policy.BatchingPolicies;
import io.batchwise.schemas.DeadLetter;
import io.batchwise.schemas.DecodedEvent;
import io.batchwise.schemas.LearnerCheckpoint;
import io.batchwise.schemas.ModelDelta;

/**
 * Runs the learning loops of the models whose events land on this task's partition.
 *
 * <p>Exactly-once without writing anything per event or per update: updates change only the in-memory
 * models. Publishing a model writes its checkpoint (the whole learner state, with the input offset after the
 * last event it includes) into the changelogged {@code checkpoints} store, and sends its snapshot and its
 * metrics summary, all in the task's transaction. The {@code position} store keeps the offset below which
 * every valid event is in its model's checkpoint. Whenever Kafka Streams commits, the stores therefore hold
 * checkpoints, and the events after them are in the input topic between that offset and the committed one:
 * after a crash or a move the learner reads them back from the topic ({@link InputReplay}) and learns them
 * again before Kafka Streams hands it the next record. Nothing from the lost updates was ever visible: their
 * snapshots and summaries were not published. Dead-letter counts are written at once, since their records are.
 */
final class LearnerProcessor implements Processor<byte[], byte[], String, Object> {
  private static final Logger LOG = LoggerFactory.getLogger(LearnerProcessor.class);
  static final String REPLAY_FROM = "replay-from";
  /** A gap between two records longer than this is waiting, not the stream's work on the record. */
  static final long STREAM_GAP_NANOS = 200_000;

  private final LearnerConfig config;
  /** The input topic's name: read once, not from the config's map per event. */
  private final String eventsTopic;
  private final InputDecoder decoder;
  private final DecodedEvent event = new DecodedEvent();
  private final Map<String, LearningLoop> loops = new HashMap<>();
  /** Per feature count: why such a model cannot be learned (its snapshots would be too large to publish). */
  private final Map<Integer, String> oversized = new HashMap<>();
  /** End offsets of the input partitions (null without a running Kafka Streams, e.g. under TopologyTestDriver). */
  private final InputLag inputLag;
  private final InputReplay replay;
  private final ModelPartitioning partitioning;
  private final CommitCost commitCost;
  /** The replicas and merges of models whose events arrive on several partitions. */
  private ParallelLearning parallel;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, LearnerCheckpoint> checkpoints;
  private KeyValueStore<String, Long> position;
  private KeyValueStore<String, Long> deadLetterCounts;
  private LearnerMetrics metrics;
  private TopicPartition partition;
  private long lastRecordTimestamp = -1;
  private long lastOffset = -1;
  private long storedReplayFrom = -1;
  /** When the handling of the previous record ended (System.nanoTime). */
  private long lastHandled;
  /** Events read since the last punctuation: none means the input is idle. */
  private long eventsSincePunctuation;

  LearnerProcessor(LearnerConfig config, InputLag inputLag, InputReplay replay, ModelPartitioning partitioning,
      CommitCost commitCost) {
    this.config = config;
    this.commitCost = commitCost;
    this.eventsTopic = config.eventsTopic();
    this.decoder = config.input().newDecoder();
    this.inputLag = inputLag;
    this.replay = replay;
    this.partitioning = partitioning;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.checkpoints = context.getStateStore(LearnerTopology.CHECKPOINTS_STORE);
    this.position = context.getStateStore(LearnerTopology.POSITION_STORE);
    this.deadLetterCounts = context.getStateStore(LearnerTopology.DEAD_LETTER_COUNTS_STORE);
    this.metrics = new LearnerMetrics(context.metrics(), context.taskId().toString());
    this.partition = new TopicPartition(eventsTopic, context.taskId().partition());
    this.parallel = new ParallelLearning(config, partitioning, context, checkpoints, commitCost);
    restore();
    context.schedule(Duration.ofMillis(config.punctuateIntervalMillis()), PunctuationType.WALL_CLOCK_TIME,
        this::punctuate);
  }

  /** Rebuilds the loops from their checkpoints, then learns again what they lacked, up to where Streams resumes. */
  private void restore() {
    long nowNanos = nanos(context.currentSystemTimeMs());
    try (KeyValueIterator<String, LearnerCheckpoint> it = checkpoints.all()) {
      while (it.hasNext()) {
        LearnerCheckpoint stored = it.next().value;
        loops.put(stored.getModelId(), LearningLoop.restore(stored, BatchingPolicies.parse(stored.getBatchingPolicy(),
            config.maxLatencyMillis(), stored.getOptimizerSpec()), nowNanos));
      }
    }
    try (KeyValueIterator<String, Long> it = deadLetterCounts.all()) {
      while (it.hasNext()) {
        KeyValue<String, Long> entry = it.next();
        LearningLoop loop = loops.get(entry.key);
        if (loop != null) {
          loop.restoreDeadLetters(entry.value);
        }
      }
    }
    parallel.restore(loops, nowNanos);
    Long replayFrom = position.get(REPLAY_FROM);
    if (replayFrom == null || replay == null) {
      return;
    }
    storedReplayFrom = replayFrom;
    long resume = replay.committedOffset(partition);
    long[] read = new long[1];
    replay.read(partition, replayFrom, resume, (offset, timestamp, key, value) -> {
      lastOffset = offset;
      read[0]++;
      relearn(offset, timestamp, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, nowNanos);
    });
    if (read[0] > 0) {
      LOG.info("{}: read back {} events of {} from offset {} to {}, which the checkpoints did not include", context.taskId(),
          read[0], partition, replayFrom, resume);
    }
  }

  /** An event read back after a restart: learned where its model's checkpoint lacks it; its dead letter was sent. */
  private void relearn(long offset, long timestamp, byte[] key, byte[] value, long nowNanos) {
    try {
      decoder.decode(eventsTopic, key, value, event);
    } catch (SerializationException e) {
      return;
    }
    LearningLoop loop = loopFor(event);
    if (loop == null || offset < loop.nextOffset() || loop.rejectionReason(event) != null) {
      return;
    }
    loop.add(event, offset, timestamp, nowNanos);
    if (loop.batchFull()) {
      loop.step(nowNanos, 0);
    }
  }

  /** The model's loop, created on its first event; null when its model cannot be learned. */
  private LearningLoop loopFor(DecodedEvent e) {
    LearningLoop loop = loops.get(e.modelId());
    if (loop == null && unlearnableReason(e) == null) {
      loop = newLoop(e.modelId(), dimension(e));
    }
    return loop;
  }

  /** The loop of a model homed here that a replica's delta names; null when its model cannot be learned. */
  private LearningLoop homeLoop(ModelDelta delta) {
    LearningLoop loop = loops.get(delta.getModelId());
    if (loop == null) {
      int d = config.featureCount() > 0 ? config.featureCount() : delta.getFeatureCount();
      if (d >= 1 && oversized.computeIfAbsent(d, config::snapshotTooLarge) == null) {
        loop = newLoop(delta.getModelId(), d);
      }
    }
    return loop;
  }

  private LearningLoop newLoop(String modelId, int featureCount) {
    LearningLoop loop = config.newLoop(modelId, featureCount);
    Long deadLetters = deadLetterCounts.get(modelId);
    if (deadLetters != null) {
      loop.restoreDeadLetters(deadLetters);
    }
    loops.put(modelId, loop);
    parallel.created(loop, nanos(context.currentSystemTimeMs()));
    return loop;
  }

  private String unlearnableReason(DecodedEvent e) {
    int d = dimension(e);
    return d < 1 ? "no features" : oversized.computeIfAbsent(d, config::snapshotTooLarge);
  }

  private int dimension(DecodedEvent e) {
    return config.featureCount() > 0 ? config.featureCount() : e.size();
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    String topic = context.recordMetadata().map(RecordMetadata::topic).orElse(eventsTopic);
    if (parallel.handles(topic)) {
      long nowMillis = context.currentSystemTimeMs();
      LearningLoop merged = parallel.process(topic, record, nanos(nowMillis), this::homeLoop);
      if (merged != null && publishDue(merged, nanos(nowMillis), false)) {
        publish(merged, nowMillis);  // the replicas wait for it
      }
      return;
    }
    long started = System.nanoTime();
    eventsSincePunctuation++;
    long sincePrevious = started - lastHandled;
    long nowNanos = nanos(context.currentSystemTimeMs());
    lastRecordTimestamp = record.timestamp();
    long offset = context.recordMetadata().map(RecordMetadata::offset).orElse(lastOffset + 1);
    lastOffset = offset;
    try {
      decoder.decode(eventsTopic, record.key(), record.value(), event);
    } catch (SerializationException e) {
      // the decoder names the model where it can; else the key, where a producer followed the topic's convention
      deadLetter(record, InputDecoder.modelOf(e, record.key()),
          record.value() == null ? "empty value (null)" : "undecodable: " + e.getMessage());
      return;
    }
    LearningLoop loop = loopFor(event);
    String reason = loop == null ? unlearnableReason(event) : loop.rejectionReason(event);
    if (reason != null) {
      deadLetter(record, event.modelId(), reason);
      return;
    }
    if (offset < loop.nextOffset()) {
      return;  // in the model already: its checkpoint is ahead of the offsets Streams committed
    }
    loop.add(event, offset, record.timestamp(), nowNanos);
    long handled = System.nanoTime();
    // Kafka Streams' own work per record lies between two records: fetching, parsing, its bookkeeping. It is a
    // cost per event as much as ours, and a policy that did not hear it took batching for more of a saving than
    // it is; a longer gap is the thread waiting for records, no cost of this one
    loop.addEventCost(handled - started + (sincePrevious < STREAM_GAP_NANOS ? sincePrevious : 0));
    lastHandled = handled;
    if (loop.batchFull()) {
      learn(loop, nowNanos);
      lastHandled = System.nanoTime();
    }
  }

  private void punctuate(long nowMillis) {
    long nowNanos = nanos(nowMillis);
    boolean inputIdle = eventsSincePunctuation == 0;
    eventsSincePunctuation = 0;
    for (LearningLoop loop : loops.values()) {
      if (loop.waitedTooLong(nowNanos)) {
        learn(loop, nowNanos);
      }
    }
    for (LearningLoop loop : loops.values()) {
      if (parallel.isReplica(loop.modelId())) {
        continue;  // a replica's deltas go out below
      }
      if (publishDue(loop, nowNanos, inputIdle)) {
        publish(loop, nowMillis);
      }
    }
    parallel.punctuate(nowNanos, nowMillis, loop -> estimatedLag(loop, nowMillis));
    storeReplayFrom();
  }

  private boolean publishDue(LearningLoop loop, long nowNanos, boolean inputIdle) {
    return loop.publishDue(nowNanos, parallel.publishInterval(loop.modelId(), config.snapshotIntervalMillis()),
        config.snapshotEveryUpdates(), config.snapshotMaxTimeShare(), inputIdle);
  }

  private void learn(LearningLoop loop, long nowNanos) {
    long lag = estimatedLag(loop, nowNanos / 1_000_000);
    loop.step(nowNanos, lag);
    parallel.learned(loop, nowNanos, nowNanos / 1_000_000, lag);
    if (parallel.replicasWaiting(loop.modelId()) && publishDue(loop, nowNanos, false)) {
      publish(loop, nowNanos / 1_000_000);  // the merged version its replicas wait for, not at the next punctuation
    }
  }

  /**
   * A new version: its checkpoint into the store, then its summary and its snapshot out, in one transaction.
   * The summary goes out with (never before) the checkpoint of the updates it describes.
   */
  private void publish(LearningLoop loop, long nowMillis) {
    long started = System.nanoTime();
    loop.nextVersion(nanos(nowMillis));
    checkpoints.put(loop.modelId(), loop.checkpoint(nowMillis));
    var summary = loop.closeInterval(nowMillis, estimatedLag(loop, nowMillis));
    parallel.published(loop, summary, nowMillis);
    metrics.update(summary);
    context.forward(new Record<>(loop.modelId(), summary, nowMillis), LearnerTopology.METRICS_SINK);
    context.forward(new Record<>(loop.modelId(), loop.snapshot(nowMillis), nowMillis), LearnerTopology.SNAPSHOTS_SINK);
    loop.publishCost(System.nanoTime() - started);
  }

  /**
   * Moves the replay start up to the first event some model's checkpoint lacks (or past the last record, when
   * every event is in one): a restarted task reads back the input from there.
   */
  private void storeReplayFrom() {
    long from = lastOffset + 1;
    for (LearningLoop loop : loops.values()) {
      long first = loop.firstUncheckpointedOffset();
      if (first >= 0) {
        from = Math.min(from, first);
      }
    }
    if (lastOffset >= 0 && from > storedReplayFrom) {
      position.put(REPLAY_FROM, from);
      storedReplayFrom = from;
    }
  }

  /**
   * Events behind the one last processed: the consumer lag where the input partition's end offset is known
   * (and then the loop hears the rate the partition grows at now); else how long that event waited in the
   * topic times the arrival rate.
   */
  private long estimatedLag(LearningLoop loop, long nowMillis) {
    if (inputLag != null && lastOffset >= 0) {
      long lag = inputLag.lagAfter(partition, lastOffset);
      if (lag >= 0) {
        loop.limitArrivalRate(inputLag.appendRate(partition));
        return lag;
      }
    }
    double rate = loop.arrivalRate();
    if (lastRecordTimestamp < 0 || !(rate > 0)) {
      return 0;
    }
    return Math.max(0, Math.round((nowMillis - lastRecordTimestamp) / 1000.0 * rate));
  }

  /** Sends the record to the dead-letter topic with the reason, and counts it on its model (null: none named). */
  private void deadLetter(Record<byte[], byte[]> record, String modelId, String reason) {
    long now = context.currentSystemTimeMs();
    LearningLoop loop = modelId == null ? null : loops.get(modelId);
    metrics.deadLetter(modelId, reason, loop != null);
    if (modelId != null) {
      long count;
      if (loop != null) {
        loop.countDeadLetter();
        count = loop.deadLetters();
      } else {
        Long stored = deadLetterCounts.get(modelId);
        count = (stored == null ? 0 : stored) + 1;
      }
      deadLetterCounts.put(modelId, count);
    }
    RecordMetadata meta = context.recordMetadata().orElse(null);
    DeadLetter letter = DeadLetter.newBuilder()
        .setSourceTopic(meta == null ? eventsTopic : meta.topic())
        .setPartition(meta == null ? -1 : meta.partition())
        .setOffset(meta == null ? -1 : meta.offset())
        .setTimestamp(Instant.ofEpochMilli(now))
        .setModelId(modelId)
        .setReason(reason)
        .setDetectedBy("learner")
        .setOriginalKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
        .setOriginalValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
        .build();
    context.forward(new Record<>(modelId, letter, now), LearnerTopology.DEAD_LETTER_SINK);
  }

  private static long nanos(long millis) {
    return millis * 1_000_000L;
  }

  @Override
  public void close() {
    if (metrics != null) {
      metrics.close();
    }
  }
}
