package io.batchwise.learner.stream;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;

import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The learner as a running Kafka Streams application. Settings are LearnerConfig keys and Kafka Streams
 * keys side by side; the defaults below apply where the settings say nothing.
 */
public final class StreamingLearner implements AutoCloseable {
  /**
   * Kafka Streams defaults batchwise chooses: exactly-once, its own application id, and no task idling. A learner's
   * task reads three partitions (events, deltas, merged versions), the last two empty most of the time; with idling
   * on (the default 0) Kafka Streams checks each empty one before every record and formats a log line for it,
   * which cost the learner 40% of its rate (docs/BENCHMARKS.md). Its records need no order across those topics: a
   * delta or merged version applies whenever it arrives.
   */
  public static final Map<String, Object> STREAMS_DEFAULTS = Map.of(
      StreamsConfig.APPLICATION_ID_CONFIG, "batchwise-learner",
      StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2,
      StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1,
      StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);

  /** How often the input partitions' end offsets are read from the task metadata. */
  static final long LAG_POLL_MILLIS = 100;

  private final KafkaStreams streams;
  private final LearnerConfig config;
  private final ScheduledExecutorService lagPoller;
  private final Admin admin;
  private final StateRestoration restoration;

  private StreamingLearner(KafkaStreams streams, LearnerConfig config, ScheduledExecutorService lagPoller, Admin admin,
      StateRestoration restoration) {
    this.streams = streams;
    this.config = config;
    this.lagPoller = lagPoller;
    this.admin = admin;
    this.restoration = restoration;
  }

  /**
   * Whether the learner is ready: Kafka Streams RUNNING (every assigned task running) and no state store being
   * restored from its changelog; {@code tasks} are the active tasks of this instance.
   */
  public record Readiness(boolean ready, KafkaStreams.State state, int tasks, int restoringStores) {
  }

  public static StreamingLearner start(Map<String, Object> settings) {
    return start(settings, null);
  }

  /** Starts the learner; {@code listener} (may be null) hears every state change from the first one. */
  public static StreamingLearner start(Map<String, Object> settings, KafkaStreams.StateListener listener) {
    LearnerConfig config = new LearnerConfig(settings);
    Properties props = new Properties();
    props.putAll(STREAMS_DEFAULTS);
    settings.forEach((key, value) -> {
      if (!LearnerConfig.DEFINITION.names().contains(key)) {
        props.put(key, value);
      }
    });
    props.putAll(LearnerTopology.requiredStreamsSettings(config));
    InputLag inputLag = new InputLag();
    StreamsConfig streamsConfig = new StreamsConfig(props);
    Admin admin = Admin.create(streamsConfig.getAdminConfigs("batchwise-input"));
    String applicationId = streamsConfig.getString(StreamsConfig.APPLICATION_ID_CONFIG);
    InputReplay replay = new KafkaInputReplay(admin, applicationId,
        streamsConfig.getRestoreConsumerConfigs("batchwise-replay"));
    ModelPartitioning partitioning;
    try {
      partitioning = InternalTopics.ensure(admin, config, applicationId);
    } catch (RuntimeException e) {
      admin.close(Duration.ofSeconds(5));
      throw e;
    }
    CommitCost commitCost = new CommitCost();
    KafkaStreams streams = new KafkaStreams(LearnerTopology.build(config, inputLag, replay, partitioning, commitCost),
        props);
    if (listener != null) {
      streams.setStateListener(listener);
    }
    StateRestoration restoration = new StateRestoration();
    streams.setGlobalStateRestoreListener(restoration);
    streams.start();
    ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "batchwise-input-lag");
      thread.setDaemon(true);
      return thread;
    });
    poller.scheduleWithFixedDelay(() -> {
      // a scheduled task that throws is never run again: whatever a read meets, the later reads go on
      try {
        readEndOffsets(streams, admin, inputLag);
        readCommitCost(streams, commitCost);
      } catch (RuntimeException e) {
        // not started, rebalancing or closing: the processors keep the last values
      }
    }, LAG_POLL_MILLIS, LAG_POLL_MILLIS, TimeUnit.MILLISECONDS);
    return new StreamingLearner(streams, config, poller, admin, restoration);
  }

  /**
   * Asks the brokers for the end offsets of this instance's input partitions (read_committed: the last
   * stable offset). Not the task metadata's end offsets: those are the highest offsets the consumer has
   * fetched so far, which during a replay grow with the fetching, not with the appends.
   */
  private static void readEndOffsets(KafkaStreams streams, Admin admin, InputLag inputLag) {
    try {
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
        for (TaskMetadata task : thread.activeTasks()) {
          task.topicPartitions().forEach(partition -> request.put(partition, OffsetSpec.latest()));
        }
      }
      if (request.isEmpty()) {
        return;
      }
      long now = System.currentTimeMillis();
      ListOffsetsOptions committed = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
      admin.listOffsets(request, committed).all().get(LAG_POLL_MILLIS * 10, TimeUnit.MILLISECONDS)
          .forEach((partition, info) -> inputLag.update(partition, info.offset(), now));
      // until a window of appends has been counted, the newest record's timestamp tells a replay apart
      Map<TopicPartition, OffsetSpec> newest = new HashMap<>();
      request.keySet().stream().filter(p -> !inputLag.knowsRate(p)).forEach(p -> newest.put(p, OffsetSpec.maxTimestamp()));
      if (!newest.isEmpty()) {
        admin.listOffsets(newest, committed).all().get(LAG_POLL_MILLIS * 10, TimeUnit.MILLISECONDS)
            .forEach((partition, info) -> {
              if (info.timestamp() >= 0) {
                inputLag.newestRecordAt(partition, info.timestamp(), now);
              }
            });
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      // not running yet, rebalancing, closing or a slow broker: the processors keep the last values
    }
  }

  /** The totals behind {@link CommitCost}, from Kafka's metrics of the producers and the stream threads. */
  private static void readCommitCost(KafkaStreams streams, CommitCost commitCost) {
    double nanos = 0;
    double commits = 0;
    for (Metric metric : streams.metrics().values()) {
      MetricName name = metric.metricName();
      if (name.group().equals("producer-metrics") && (name.name().equals("txn-commit-time-ns-total")
          || name.name().equals("txn-send-offsets-time-ns-total"))) {
        nanos += value(metric);
      } else if (name.group().equals("stream-thread-metrics") && name.name().equals("commit-total")) {
        commits += value(metric);
      }
    }
    commitCost.update(nanos, commits);
  }

  private static double value(Metric metric) {
    return metric.metricValue() instanceof Number n && Double.isFinite(n.doubleValue()) ? n.doubleValue() : 0;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  public Readiness readiness() {
    KafkaStreams.State state = streams.state();
    int tasks = 0;
    try {
      for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
        tasks += thread.activeTasks().size();
      }
    } catch (RuntimeException e) {
      // not started or already closed: no tasks
    }
    int restoring = restoration.inProgress();
    return new Readiness(state == KafkaStreams.State.RUNNING && restoring == 0, state, tasks, restoring);
  }

  public KafkaStreams streams() {
    return streams;
  }

  public LearnerConfig config() {
    return config;
  }

  /** Stops and leaves the group, so the other instances take this one's models over at once. */
  @Override
  public void close() {
    lagPoller.shutdownNow();
    admin.close(Duration.ofSeconds(5));
    streams.close(CloseOptions.timeout(Duration.ofSeconds(30))
        .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
  }
}
