package io.batchwise.app;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;

import io.batchwise.learner.stream.LearnerConfig;

/**
 * How batchwise creates its topics where they are missing: every topic but the events gets a bound on its disk
 * of its own, set at creation. Read from the same settings as the learner's (file, environment, flags).
 */
public final class TopicsConfig extends AbstractConfig {
  public static final String REPLICATION_FACTOR = "topics.replication.factor";
  public static final String EVENTS_RETENTION_MS = "events.retention.ms";
  public static final String EVENTS_RETENTION_BYTES = "events.retention.bytes";
  public static final String SNAPSHOTS_SEGMENT_MS = "snapshots.segment.ms";
  public static final String SNAPSHOTS_SEGMENT_BYTES = "snapshots.segment.bytes";
  public static final String SNAPSHOTS_MIN_CLEANABLE_DIRTY_RATIO = "snapshots.min.cleanable.dirty.ratio";
  public static final String METRICS_RETENTION_MS = "metrics.retention.ms";
  public static final String METRICS_RETENTION_BYTES = "metrics.retention.bytes";
  public static final String DEAD_LETTER_RETENTION_MS = "dead.letter.retention.ms";
  public static final String DEAD_LETTER_RETENTION_BYTES = "dead.letter.retention.bytes";

  /** The shortest events retention accepted: a learner that restarts re-reads the events since its last commit. */
  public static final long MIN_EVENTS_RETENTION_MS = 10 * 60 * 1000L;
  /** Kafka's smallest segment.bytes. */
  private static final long MIN_SEGMENT_BYTES = 1024 * 1024;
  /** Kafka's default segment.bytes. */
  private static final long DEFAULT_SEGMENT_BYTES = 1024 * 1024 * 1024;
  private static final long HOUR_MS = 60 * 60 * 1000L;
  private static final long DAY_MS = 24 * HOUR_MS;
  private static final long MIB = 1024 * 1024;

  public static final ConfigDef DEFINITION = new ConfigDef()
      .define(REPLICATION_FACTOR, Type.SHORT, (short) -1, Importance.HIGH,
          "Replication factor of the topics batchwise creates; -1 takes the broker's default.replication.factor.")
      .define(EVENTS_RETENTION_MS, Type.LONG, null, ConfigDef.LambdaValidator.with(
              (name, value) -> {
                if (value != null && (Long) value != -1 && (Long) value < MIN_EVENTS_RETENTION_MS) {
                  throw new ConfigException(name, value, "at least " + MIN_EVENTS_RETENTION_MS
                      + " ms (a restarted learner re-reads the events since its last commit), or -1 for no limit");
                }
              }, () -> "null, -1 or at least " + MIN_EVENTS_RETENTION_MS), Importance.HIGH,
          "retention.ms of the events topic; empty takes the broker's log.retention.* default (7 days). How far "
              + "back a model can be relearned from scratch, and how long a learner may be down without losing events.")
      .define(EVENTS_RETENTION_BYTES, Type.LONG, null, Importance.MEDIUM,
          "retention.bytes (per partition) of the events topic; empty takes the broker's default (no limit).")
      .define(SNAPSHOTS_SEGMENT_MS, Type.LONG, 10 * 60 * 1000L, Range.atLeast(1), Importance.MEDIUM,
          "segment.ms of the compacted snapshots topic: the cleaner only compacts closed segments, so older "
              + "versions of a model can stay this long before they go.")
      .define(SNAPSHOTS_SEGMENT_BYTES, Type.LONG, 64 * MIB, Range.atLeast(MIN_SEGMENT_BYTES), Importance.LOW,
          "segment.bytes of the snapshots topic: large models roll a segment, and so become compactable, this often.")
      .define(SNAPSHOTS_MIN_CLEANABLE_DIRTY_RATIO, Type.DOUBLE, 0.1, Range.between(0.0, 1.0), Importance.LOW,
          "min.cleanable.dirty.ratio of the snapshots topic: compact once this share of the log is old versions.")
      .define(METRICS_RETENTION_MS, Type.LONG, DAY_MS, Range.atLeast(-1), Importance.MEDIUM,
          "retention.ms of the metrics topic (one summary per model and snapshot); -1 for no time limit.")
      .define(METRICS_RETENTION_BYTES, Type.LONG, 256 * MIB, Range.atLeast(-1), Importance.MEDIUM,
          "retention.bytes (per partition) of the metrics topic; -1 for no size limit.")
      .define(DEAD_LETTER_RETENTION_MS, Type.LONG, 14 * DAY_MS, Range.atLeast(-1), Importance.MEDIUM,
          "retention.ms of the dead-letter topic: how long you have to inspect an input that could not be learned.")
      .define(DEAD_LETTER_RETENTION_BYTES, Type.LONG, 1024 * MIB, Range.atLeast(-1), Importance.LOW,
          "retention.bytes (per partition) of the dead-letter topic, a bound should bad input flood it.");

  private final LearnerConfig names;

  public TopicsConfig(Map<?, ?> settings) {
    super(DEFINITION, settings, false);
    this.names = new LearnerConfig(settings);
  }

  /** The four topics, the events with {@code partitions} partitions and the others as many. */
  public List<NewTopic> all(int partitions) {
    return List.of(events(partitions), snapshots(partitions), metrics(partitions), deadLetters(partitions));
  }

  /** The events topic: retention as configured, else the broker's. */
  public NewTopic events(int partitions) {
    Map<String, String> configs = new LinkedHashMap<>();
    putIfSet(configs, TopicConfig.RETENTION_MS_CONFIG, getLong(EVENTS_RETENTION_MS));
    putIfSet(configs, TopicConfig.RETENTION_BYTES_CONFIG, getLong(EVENTS_RETENTION_BYTES));
    return topic(names.eventsTopic(), partitions, configs);
  }

  /** The snapshots topic: compacted, rolled often enough for old versions to go, with room for large models. */
  public NewTopic snapshots(int partitions) {
    return topic(names.snapshotsTopic(), partitions, Map.of(
        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
        TopicConfig.SEGMENT_MS_CONFIG, String.valueOf(getLong(SNAPSHOTS_SEGMENT_MS)),
        TopicConfig.SEGMENT_BYTES_CONFIG, String.valueOf(Math.max(getLong(SNAPSHOTS_SEGMENT_BYTES),
            names.snapshotMaxBytes())),
        TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, String.valueOf(getDouble(SNAPSHOTS_MIN_CLEANABLE_DIRTY_RATIO)),
        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(names.snapshotMaxBytes()),
        TopicConfig.COMPRESSION_TYPE_CONFIG, "producer"));
  }

  public NewTopic metrics(int partitions) {
    return bounded(names.metricsTopic(), partitions, getLong(METRICS_RETENTION_MS), getLong(METRICS_RETENTION_BYTES));
  }

  public NewTopic deadLetters(int partitions) {
    return bounded(names.deadLetterTopic(), partitions, getLong(DEAD_LETTER_RETENTION_MS),
        getLong(DEAD_LETTER_RETENTION_BYTES));
  }

  /**
   * A topic deleted by time and size. Retention only removes closed segments, so segments are a quarter of each
   * bound: the topic then keeps at most about 1.25 times what its retention says.
   */
  private NewTopic bounded(String name, int partitions, long retentionMs, long retentionBytes) {
    Map<String, String> configs = new LinkedHashMap<>();
    configs.put(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(retentionMs));
    configs.put(TopicConfig.RETENTION_BYTES_CONFIG, String.valueOf(retentionBytes));
    if (retentionMs > 0) {
      configs.put(TopicConfig.SEGMENT_MS_CONFIG, String.valueOf(Math.max(1, retentionMs / 4)));
    }
    if (retentionBytes > 0) {
      configs.put(TopicConfig.SEGMENT_BYTES_CONFIG,
          String.valueOf(Math.min(DEFAULT_SEGMENT_BYTES, Math.max(MIN_SEGMENT_BYTES, retentionBytes / 4))));
    }
    return topic(name, partitions, configs);
  }

  private NewTopic topic(String name, int partitions, Map<String, String> configs) {
    short replication = getShort(REPLICATION_FACTOR);
    return new NewTopic(name, Optional.of(partitions), replication < 0 ? Optional.empty() : Optional.of(replication))
        .configs(configs);
  }

  private static void putIfSet(Map<String, String> configs, String key, Long value) {
    if (value != null) {
      configs.put(key, String.valueOf(value));
    }
  }
}
