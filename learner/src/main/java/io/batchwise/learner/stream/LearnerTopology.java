package io.batchwise.learner.stream;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

import io.batchwise.schemas.MergedModel;
import io.batchwise.schemas.ModelDelta;
import io.batchwise.schemas.ReplicaProgress;


/**
 * events -> learner -> {model-snapshots, training-metrics, events-dlq}. The learner keeps each model's
 * checkpoint and the input offset to read back from after a restart in changelogged stores (see
 * {@link LearnerProcessor}). The learners of a model whose events arrive on several partitions exchange deltas and
 * merged versions over two internal topics that the same processor reads and writes ({@link ModelPartitioning}).
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
  public static final String DELTAS_SOURCE = "deltas-source";
  public static final String MERGED_SOURCE = "merged-source";
  public static final String DELTAS_SINK = "deltas-sink";
  public static final String MERGED_SINK = "merged-sink";
  public static final String REPLICA_DELTAS_STORE = "replica-deltas";
  public static final String MERGES_STORE = "merges";

  private LearnerTopology() {
  }

  /**
   * The topology without a view of the brokers (TopologyTestDriver, benchmarks): no lag, no read-back after a restart,
   * and one partition, where every model is learned by one learner.
   */
  public static Topology build(LearnerConfig config) {
    Object applicationId = config.originals().getOrDefault(StreamsConfig.APPLICATION_ID_CONFIG,
        StreamingLearner.STREAMS_DEFAULTS.get(StreamsConfig.APPLICATION_ID_CONFIG));
    return build(config, null, null, ModelPartitioning.of(applicationId.toString(), 1), new CommitCost());
  }

  /**
   * @param inputLag     end offsets of the input partitions, or null where they are not known
   * @param replay       reads back the input after a restart, or null where the stores start empty
   * @param partitioning the events topic's partition count and the internal topics between a model's learners
   * @param commitCost   what this instance's commits take, as measured
   */
  static Topology build(LearnerConfig config, InputLag inputLag, InputReplay replay, ModelPartitioning partitioning,
      CommitCost commitCost) {
    Topology topology = new Topology();
    // keys stay bytes: the model id travels in the value, and a key is read only for a dead letter
    topology.addSource(SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
        config.eventsTopic());
    topology.addSource(DELTAS_SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
        partitioning.deltasTopic());
    topology.addSource(MERGED_SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
        partitioning.mergedTopic());
    topology.addProcessor(PROCESSOR, () -> new LearnerProcessor(config, inputLag, replay, partitioning, commitCost),
        SOURCE, DELTAS_SOURCE, MERGED_SOURCE);
    Map<String, String> largeRecords = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(config.snapshotMaxBytes()));
    // one checkpoint per model and snapshot: nothing for a cache to collapse, and it would hold a copy
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(CHECKPOINTS_STORE),
            Serdes.String(), io.batchwise.schemas.Serdes.learnerCheckpoint())
        .withCachingDisabled()
        .withLoggingEnabled(largeRecords),
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
    // a replica's last delta, kept until a merged version acknowledges it
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(REPLICA_DELTAS_STORE),
            Serdes.String(), io.batchwise.schemas.Serdes.modelDelta())
        .withCachingDisabled()
        .withLoggingEnabled(largeRecords),
        PROCESSOR);
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(MERGES_STORE),
            Serdes.String(), io.batchwise.schemas.Serdes.mergeState())
        .withCachingDisabled()
        .withLoggingEnabled(Map.of()),
        PROCESSOR);
    topology.addSink(SNAPSHOTS_SINK, config.snapshotsTopic(), Serdes.String().serializer(),
        io.batchwise.schemas.Serdes.modelSnapshot().serializer(), PROCESSOR);
    topology.addSink(METRICS_SINK, config.metricsTopic(), Serdes.String().serializer(),
        io.batchwise.schemas.Serdes.trainingMetrics().serializer(), PROCESSOR);
    topology.addSink(DEAD_LETTER_SINK, config.deadLetterTopic(), Serdes.String().serializer(),
        io.batchwise.schemas.Serdes.deadLetter().serializer(), PROCESSOR);
    // a delta to its model's home; a merged version to each replica it names
    topology.addSink(DELTAS_SINK, partitioning.deltasTopic(), Serdes.String().serializer(),
        io.batchwise.schemas.Serdes.modelDelta().serializer(),
        (String topic, String modelId, ModelDelta delta, int partitions) ->
            Optional.of(Set.of(ModelPartitioning.home(modelId, partitions))), PROCESSOR);
    topology.addSink(MERGED_SINK, partitioning.mergedTopic(), Serdes.String().serializer(),
        io.batchwise.schemas.Serdes.mergedModel().serializer(),
        (String topic, String modelId, MergedModel merged, int partitions) -> Optional.of(merged.getReplicas().stream()
            .map(ReplicaProgress::getReplica).collect(Collectors.toSet())), PROCESSOR);
    return topology;
  }

  /** Kafka Streams settings the learner needs on top of the user's: exactly-once and room for snapshots. */
  public static Map<String, Object> requiredStreamsSettings(LearnerConfig config) {
    return Map.of(
        "producer." + org.apache.kafka.clients.producer.ProducerConfig.MAX_REQUEST_SIZE_CONFIG, config.snapshotMaxBytes(),
        "producer." + org.apache.kafka.clients.producer.ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
  }
}
