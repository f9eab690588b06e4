package io.batchwise.learner.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.batchwise.schemas.DeadLetter;
import io.batchwise.schemas.DenseFeatures;
import io.batchwise.schemas.LabelledEvent;
import io.batchwise.schemas.ModelSnapshot;
import io.batchwise.schemas.Serdes;
import io.batchwise.schemas.TrainingMetrics;

class LearnerTopologyTest {
  @TempDir
  Path stateDir;

  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> events;
  private TestOutputTopic<String, ModelSnapshot> snapshots;
  private TestOutputTopic<String, TrainingMetrics> metrics;
  private TestOutputTopic<String, DeadLetter> deadLetters;

  @BeforeEach
  void start() {
    Map<String, Object> settings = new HashMap<>();
    settings.put(LearnerConfig.BATCH_POLICY, "fixed:4");
    settings.put(LearnerConfig.BATCH_MAX_LATENCY_MS, 500L);
    settings.put(LearnerConfig.SNAPSHOT_INTERVAL_MS, 1000L);
    startDriver(new LearnerConfig(settings));
  }

  private void startDriver(LearnerConfig config) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(LearnerTopology.build(config), props, Instant.ofEpochMilli(1_000_000));
    events = driver.createInputTopic("events", new StringSerializer(), new ByteArraySerializer());
    snapshots = driver.createOutputTopic("model-snapshots", new StringDeserializer(),
        Serdes.modelSnapshot().deserializer());
    metrics = driver.createOutputTopic("training-metrics", new StringDeserializer(),
        Serdes.trainingMetrics().deserializer());
    deadLetters = driver.createOutputTopic("events-dlq", new StringDeserializer(), Serdes.deadLetter().deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private void send(String modelId, double label, Double... features) {
    sendNamed(modelId, null, label, features);
  }

  private void sendNamed(String modelId, List<String> names, double label, Double... features) {
    LabelledEvent event = LabelledEvent.newBuilder()
        .setModelId(modelId)
        .setEventId(modelId + "-" + System.nanoTime())
        .setEventTime(Instant.ofEpochMilli(1_000_000))
        .setFeatures(new DenseFeatures(List.of(features)))
        .setLabel(label)
        .setFeatureNames(names)
        .build();
    events.pipeInput(modelId, Serdes.labelledEvent().serialize("events", event));
  }

  @Test
  void learnsInMicroBatchesAndPublishesVersionedSnapshotsWithASummaryEach() {
    for (int i = 0; i < 10; i++) {
      send("m", i % 2, 1.0 * i, -0.5 * i, 2.0);
    }
    assertTrue(metrics.isEmpty() && snapshots.isEmpty(), "summaries and snapshots go out at punctuations");
    driver.advanceWallClockTime(Duration.ofMillis(60));
    List<TrainingMetrics> summaries = metrics.readValuesToList();
    assertEquals(1, summaries.size(), "the first snapshot's summary");
    assertEquals(2, summaries.get(0).getUpdates(), "two full batches of 4");
    assertEquals(8, summaries.get(0).getExamples());
    assertEquals(4, summaries.get(0).getBatchSizeMin());

    driver.advanceWallClockTime(Duration.ofMillis(1200));
    summaries = metrics.readValuesToList();
    assertEquals(1, summaries.size(), "the last 2 events flush after max latency and are published when idle");
    assertEquals(1, summaries.get(0).getUpdates());
    assertEquals(2, summaries.get(0).getBatchSizeMax());
    assertEquals(10, summaries.get(0).getExamplesSeen());

    List<ModelSnapshot> published = snapshots.readValuesToList();
    assertEquals(2, published.size(), "a snapshot while learning and one when idle");
    assertTrue(published.get(1).getVersion() > published.get(0).getVersion(), "versions increase");
    assertEquals(published.get(1).getVersion(), summaries.get(0).getVersion(), "a summary names its snapshot");
    ModelSnapshot last = published.get(1);
    assertEquals(10, last.getExamplesSeen());
    assertEquals(3, last.getUpdates());
    assertEquals("fixed:4", last.getBatchingPolicy());
    assertEquals(10.0, last.getMetrics().getExamples(), 1e-9);
    driver.advanceWallClockTime(Duration.ofMillis(3000));
    assertTrue(snapshots.isEmpty() && metrics.isEmpty(), "nothing new, nothing published");
  }

  /**
   * While events keep coming, publications keep to their share of the thread's time; once the input is idle only the
   * interval holds the last changes back (a share this small would otherwise hold them for good).
   */
  @Test
  void anIdleInputPublishesWithinTheIntervalWhateverTheTimeShare() {
    driver.close();
    Map<String, Object> settings = new HashMap<>();
    settings.put(LearnerConfig.BATCH_POLICY, "fixed:4");
    settings.put(LearnerConfig.SNAPSHOT_INTERVAL_MS, 0L);
    settings.put(LearnerConfig.SNAPSHOT_MAX_TIME_SHARE, 0.001);
    settings.put(LearnerConfig.PUNCTUATE_INTERVAL_MS, 1L);
    startDriver(new LearnerConfig(settings));
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 4; i++) {
        send("m", i % 2, 1.0 * i, -0.5 * i, 2.0);
      }
      driver.advanceWallClockTime(Duration.ofMillis(1));
    }
    assertEquals(List.of(4L, 8L), snapshots.readValuesToList().stream().map(ModelSnapshot::getExamplesSeen).toList(),
        "the third batch waits: events came since the last punctuation, and 1 ms is less than 1000 publications' cost");
    driver.advanceWallClockTime(Duration.ofMillis(1));
    assertEquals(12L, snapshots.readValue().getExamplesSeen(), "no event since the last punctuation: published");
  }

  @Test
  void namesItsModelsFeaturesFromTheFirstEventThatNamesThemAndRefusesOthers() {
    List<String> names = List.of("nswprice", "vicprice", "transfer");
    send("m", 1, 1.0, 2.0, 3.0);
    sendNamed("m", names, 0, 1.0, 2.0, 3.0);
    send("m", 1, 1.0, 2.0, 3.0);
    sendNamed("m", names, 0, 1.0, 2.0, 3.0);
    sendNamed("m", List.of("nswprice", "vicprice", "demand"), 0, 1.0, 2.0, 3.0);
    sendNamed("m", List.of("vicprice", "nswprice", "transfer"), 0, 1.0, 2.0, 3.0);
    sendNamed("n", List.of("a", "b"), 0, 1.0, 2.0, 3.0);
    driver.advanceWallClockTime(Duration.ofMillis(2000));
    List<ModelSnapshot> published = snapshots.readValuesToList();
    ModelSnapshot last = published.get(published.size() - 1);
    assertEquals("m", last.getModelId());
    assertEquals(names, last.getFeatureNames());
    assertEquals(4, last.getExamplesSeen(), "named or not, events with the model's names are learned");
    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertEquals(3, letters.size());
    assertEquals("feature names differ from the model's: unknown 'demand', missing 'transfer'",
        letters.get(0).getReason());
    assertTrue(letters.get(1).getReason().startsWith("feature names in another order than the model's: 'vicprice' "
        + "at position 0"), letters.get(1).getReason());
    assertEquals("2 feature names for the model's 3 features", letters.get(2).getReason());
  }

  @Test
  void badInputGoesToTheDeadLetterTopicAndNeverReachesTheWeights() {
    send("m", 1, 1.0, 2.0, 3.0);
    events.pipeInput("m", "not avro at all".getBytes(StandardCharsets.UTF_8));
    send("m", 1, 1.0, Double.NaN, 3.0);
    send("m", 0, 1.0, 2.0);
    send("m", 2, 1.0, 2.0, 3.0);
    send("m", 1, 1.0, Double.POSITIVE_INFINITY, 3.0);
    events.pipeInput("other", "garbage that names its model in the key".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < 3; i++) {
      send("m", i % 2, 0.5, 0.25, -1.0);
    }
    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertEquals(6, letters.size());
    assertEquals("m", letters.get(0).getModelId(), "an undecodable record counts on the model its key names");
    assertTrue(letters.get(0).getReason().startsWith("undecodable"), letters.get(0).getReason());
    assertTrue(letters.get(1).getReason().contains("NaN"), letters.get(1).getReason());
    assertTrue(letters.get(2).getReason().contains("feature count 2"), letters.get(2).getReason());
    assertTrue(letters.get(3).getReason().contains("not 0 or 1"), letters.get(3).getReason());
    assertTrue(letters.get(4).getReason().contains("Infinity"), letters.get(4).getReason());
    assertEquals(3L, letters.get(2).getOffset(), "the offset of the fourth input");
    assertTrue(letters.get(0).getOriginalValue().remaining() > 0, "original bytes kept");

    driver.advanceWallClockTime(Duration.ofMillis(2000));
    List<ModelSnapshot> published = snapshots.readValuesToList();
    ModelSnapshot last = published.get(published.size() - 1);
    assertEquals(4, last.getExamplesSeen());
    assertEquals(5, last.getDeadLetters(), "dead letters that belong to the model are counted on it");
    for (double p : last.getParameters()) {
      assertTrue(Double.isFinite(p), "weights stay finite");
    }
  }

  @Test
  void registersItsMetricsPerModelWithKafkaStreams() {
    for (int i = 0; i < 8; i++) {
      send("m", i % 2, 1.0, 2.0);
      send("n", i % 2, -1.0, 0.5);
    }
    send("m", 1, Double.NaN, 2.0);
    driver.advanceWallClockTime(Duration.ofMillis(1000));
    Map<String, Object> m = metricsOf("m");
    assertEquals(4.0, m.get("batch-size"));
    assertEquals(8.0, m.get("examples-total"));
    assertEquals(8.0, m.get("examples-seen"));
    assertEquals(1.0, m.get("snapshot-version"));
    assertTrue((Double) m.get("loss") > 0, "the interval's mean loss: " + m.get("loss"));
    assertTrue(Double.isNaN((Double) m.get("noise-scale")), "fixed:4 estimates no noise scale");
    assertTrue(m.containsKey("learning-rate") && m.containsKey("examples-rate") && m.containsKey("lag")
        && m.containsKey("arrival-rate"), m.toString());
    assertEquals(8.0, metricsOf("n").get("examples-seen"), "each model its own");
    assertEquals(Map.of("non-finite", 1.0), deadLettersOf("m"));
  }

  /** Every reason the learner gives falls into one class of a small set, the label of the dead-letter metric. */
  @Test
  void countsDeadLettersByTheirReasonsClass() {
    send("m", 1, 1.0, 2.0);
    send("m", 1, 1.0);                             // feature count
    send("m", 1, 1.0, Double.POSITIVE_INFINITY);   // non-finite
    send("m", 0.5, 1.0, 2.0);                      // label
    send("m", Double.NaN, 1.0, 2.0);               // label
    LabelledEvent weighted = LabelledEvent.newBuilder().setModelId("m").setEventId("w")
        .setEventTime(Instant.ofEpochMilli(1_000_000)).setFeatures(new DenseFeatures(List.of(1.0, 2.0))).setLabel(1)
        .setWeight(-1.0).build();
    events.pipeInput("m", Serdes.labelledEvent().serialize("events", weighted));
    events.pipeInput("m", "not avro".getBytes(StandardCharsets.UTF_8));
    events.pipeInput((String) null, "not avro either".getBytes(StandardCharsets.UTF_8));
    send("empty", 1);                               // no model can be made from no features
    assertEquals(Map.of("feature-count", 1.0, "non-finite", 1.0, "label", 2.0, "weight", 1.0, "undecodable", 1.0),
        deadLettersOf("m"));
    assertEquals(Map.of("undecodable", 1.0), deadLettersOf(""), "no model named: counted under model id \"\"");
    assertEquals(Map.of("unlearnable", 1.0), deadLettersOf("empty"));
  }

  private Map<String, Object> metricsOf(String modelId) {
    Map<String, Object> values = new HashMap<>();
    driver.metrics().forEach((name, metric) -> {
      if (name.group().equals(LearnerMetrics.GROUP) && modelId.equals(name.tags().get(LearnerMetrics.MODEL_TAG))
          && !name.tags().containsKey(LearnerMetrics.REASON_TAG)) {
        values.put(name.name(), metric.metricValue());
      }
    });
    return values;
  }

  private Map<String, Double> deadLettersOf(String modelId) {
    Map<String, Double> counts = new HashMap<>();
    driver.metrics().forEach((name, metric) -> {
      if (name.group().equals(LearnerMetrics.GROUP) && name.name().equals("dead-letters-total")
          && modelId.equals(name.tags().get(LearnerMetrics.MODEL_TAG))) {
        counts.put(name.tags().get(LearnerMetrics.REASON_TAG), (Double) metric.metricValue());
      }
    });
    return counts;
  }

  @Test
  void aModelTooLargeToPublishIsRefusedWithAReason() {
    driver.close();
    Map<String, Object> settings = new HashMap<>();
    settings.put(LearnerConfig.SNAPSHOT_MAX_BYTES, 4096);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test-large");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(LearnerTopology.build(new LearnerConfig(settings)), props);
    events = driver.createInputTopic("events", new StringSerializer(), new ByteArraySerializer());
    deadLetters = driver.createOutputTopic("events-dlq", new StringDeserializer(), Serdes.deadLetter().deserializer());
    Double[] wide = new Double[1000];
    java.util.Arrays.fill(wide, 0.5);
    send("wide", 1, wide);
    send("small", 1, 1.0, 2.0);
    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertEquals(1, letters.size());
    assertEquals("wide", letters.get(0).getModelId());
    assertTrue(letters.get(0).getReason().contains("snapshot.max.bytes=4096"), letters.get(0).getReason());
  }

  /** Snapshots and checkpoints both must fit: Adam's two slots per parameter make the checkpoint the larger. */
  @Test
  void sizesAdamsCheckpointWithItsSlots() {
    Map<String, Object> settings = new HashMap<>();
    settings.put(LearnerConfig.OPTIMIZER, "adam:0.01");
    settings.put(LearnerConfig.SNAPSHOT_MAX_BYTES, 30_000);
    LearnerConfig config = new LearnerConfig(settings);
    // 1,000 parameters and 2 x 999 standardizer statistics: snapshots and SGD checkpoints of about 25 kB, Adam 41 kB
    String reason = config.snapshotTooLarge(999);
    assertTrue(reason != null && reason.contains("checkpoints"), reason);
    settings.put(LearnerConfig.OPTIMIZER, "ftrl");
    assertTrue(new LearnerConfig(settings).snapshotTooLarge(999) != null, "FTRL keeps two slots per parameter too");
    settings.put(LearnerConfig.OPTIMIZER, "sgd:0.1");
    assertEquals(null, new LearnerConfig(settings).snapshotTooLarge(999));
  }

  @Test
  void modelsAreIndependent() {
    for (int i = 0; i < 8; i++) {
      send("a", i % 2, 1.0, 2.0);
      send("b", i % 2, 1.0, 2.0, 3.0, 4.0);
    }
    driver.advanceWallClockTime(Duration.ofMillis(1500));
    Map<String, ModelSnapshot> latest = new HashMap<>();
    snapshots.readKeyValuesToList().forEach(kv -> latest.put(kv.key, kv.value));
    assertEquals(8, latest.get("a").getExamplesSeen());
    assertEquals(2, latest.get("a").getArchitecture().getFeatureCount());
    assertEquals(4, latest.get("b").getArchitecture().getFeatureCount());
  }
}
