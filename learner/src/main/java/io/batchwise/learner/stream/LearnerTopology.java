package io.batchwise.learner.stream;

import java.util.Map;

import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;


/**
 * events -> learner -> {model-snapshots, training-metrics, events-dlq}. The learner keeps each model's
 * checkpoint and the input offset to read back from after a restart in changelogged stores (see
 * {@link LearnerProcessor}).
 */
public final class LearnerTopology {
  public static final String SOURCE = "events-source";
  public static final String PROCESSOR = "learner";
  public static final String CHECKPOINTS_STORE = "checkpoints";
  public static final String POSITION_STORE = "position";
  public static final String DEAD_LETTER_COUNTS_STORE = "dead-letter-counts";
  public static final String SNAPSHOTS_SINK = "snapshots-sink";
  public static final String METRICS_SINK = "metrics-sink";
  public static final String DEAD_LETTER_SINK = "dead-letter-sink";

  private LearnerTopology() {
  }

  /** The topology without a view of the brokers (TopologyTestDriver, benchmarks): no lag, no read-back after a restart. */
  public static Topology build(LearnerConfig config) {
    return build(config, null, null);
  }

  /**
   * @param inputLag end offsets of the input partitions, or null where they are not known
   * @param replay   reads back the input after a restart, or null where the stores start empty
   */
  static Topology build(LearnerConfig config, InputLag inputLag, InputReplay replay) {
    Topology topology = new Topology();
    // keys stay bytes: the model id travels in the value, and a key is read only for a dead letter
    topology.addSource(SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
        config.eventsTopic());
    topology.addProcessor(PROCESSOR, () -> new LearnerProcessor(config, inputLag, replay), SOURCE);
    // one checkpoint per model and snapshot: nothing for a cache to collapse, and it would hold a copy
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(CHECKPOINTS_STORE),
            Serdes.String(), io.batchwise.schemas.Serdes.learnerCheckpoint())
        .withCachingDisabled()
        .withLoggingEnabled(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(config.snapshotMaxBytes()))),
        PROCESSOR);
    // caching collapses the puts of every punctuation between two commits into one changelog write
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(POSITION_STORE),
            Serdes.String(), Serdes.Long())
        .withCachingEnabled()
        .withLoggingEnabled(Map.of()),
        PROCESSOR);
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(DEAD_LETTER_COUNTS_STORE),
            Serdes.String(), Serdes.Long())
        .withCachingEnabled()
        .withLoggingEnabled(Map.of()),
        PROCESSOR);
    topology.addSink(SNAPSHOTS_SINK, config.snapshotsTopic(), Serdes.String().serializer(),
        io.batchwise.schemas.Serdes.modelSnapshot().serializer(), PROCESSOR);
    topology.addSink(METRICS_SINK, config.metricsTopic(), Serdes.String().serializer(),
        io.batchwise.schemas.Serdes.trainingMetrics().serializer(), PROCESSOR);
    topology.addSink(DEAD_LETTER_SINK, config.deadLetterTopic(), Serdes.String().serializer(),
        io.batchwise.schemas.Serdes.deadLetter().serializer(), PROCESSOR);
    return topology;
  }

  /** Kafka Streams settings the learner needs on top of the user's: exactly-once and room for snapshots. */
  public static Map<String, Object> requiredStreamsSettings(LearnerConfig config) {
    return Map.of(
        "producer." + org.apache.kafka.clients.producer.ProducerConfig.MAX_REQUEST_SIZE_CONFIG, config.snapshotMaxBytes(),
        "producer." + org.apache.kafka.clients.producer.ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
  }
}
