package io.batchwise.learner.stream;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The learner as a running Kafka Streams application. Settings are LearnerConfig keys and Kafka Streams
 * keys side by side; the defaults below apply where the settings say nothing.
 */
public final class StreamingLearner implements AutoCloseable {
  /** Kafka Streams defaults batchwise chooses: exactly-once, and its own application id. */
  public static final Map<String, Object> STREAMS_DEFAULTS = Map.of(
      StreamsConfig.APPLICATION_ID_CONFIG, "batchwise-learner",
      StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2,
      StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);

  private final KafkaStreams streams;
  private final LearnerConfig config;

  private StreamingLearner(KafkaStreams streams, LearnerConfig config) {
    this.streams = streams;
    this.config = config;
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
    KafkaStreams streams = new KafkaStreams(LearnerTopology.build(config), props);
    if (listener != null) {
      streams.setStateListener(listener);
    }
    streams.start();
    return new StreamingLearner(streams, config);
  }

  public KafkaStreams.State state() {
    return streams.state();
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
    streams.close(CloseOptions.timeout(Duration.ofSeconds(30))
        .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
  }
}
