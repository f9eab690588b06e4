package io.batchwise.learner.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.batchwise.schemas.DeadLetter;
import io.batchwise.schemas.ModelSnapshot;
import io.batchwise.schemas.Serdes;

/** The learner's topology on a topic of JSON records, as users already have them, and of CSV lines. */
class JsonInputTopologyTest {
  @TempDir
  Path stateDir;

  private TopologyTestDriver driver(Map<String, Object> input) {
    Map<String, Object> settings = new java.util.HashMap<>(Map.of(LearnerConfig.BATCH_POLICY, "fixed:4",
        LearnerConfig.SNAPSHOT_INTERVAL_MS, 1000L));
    settings.putAll(input);
    LearnerConfig config = new LearnerConfig(settings);
    config.validateSpecs();
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "json-input-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return new TopologyTestDriver(LearnerTopology.build(config), props, Instant.ofEpochMilli(1_000_000));
  }

  private static void send(TestInputTopic<String, byte[]> events, String key, String value) {
    events.pipeInput(key, value.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void learnsJsonRecordsWithTheSameValidationAndDeadLettersAsAvroEvents() {
    try (TopologyTestDriver driver = driver(Map.of(LearnerConfig.INPUT_FORMAT, "json", LearnerConfig.INPUT_LABEL,
        "class", LearnerConfig.INPUT_MODEL_FIELD, "market"))) {
      TestInputTopic<String, byte[]> events = driver.createInputTopic("events", new StringSerializer(),
          new ByteArraySerializer());
      for (int i = 0; i < 8; i++) {
        send(events, null, "{\"market\": \"nsw\", \"nswprice\": " + (i * 0.1) + ", \"vicdemand\": " + (1 - i * 0.1)
            + ", \"class\": " + (i % 2) + ", \"day\": \"mon\"}");
      }
      send(events, null, "{\"market\": \"nsw\", \"nswprice\": 0.5, \"vicdemand\": 0.5, \"class\": 2}");
      send(events, null, "{\"market\": \"nsw\", \"nswprice\": 0.5, \"class\": 1}");
      send(events, null, "{\"market\": \"nsw\", \"nswprice\": 0.5, \"transfer\": 0.1, \"vicdemand\": 1, \"class\": 1}");
      send(events, "nsw", "{\"market\": \"nsw\", \"nswprice\": 0.5");
      send(events, "vic", "{\"nswprice\": 0.5, \"vicdemand\": 0.5, \"class\": 1}");
      driver.advanceWallClockTime(Duration.ofMillis(2000));

      List<ModelSnapshot> snapshots = driver.createOutputTopic("model-snapshots", new StringDeserializer(),
          Serdes.modelSnapshot().deserializer()).readValuesToList();
      ModelSnapshot last = snapshots.get(snapshots.size() - 1);
      assertEquals("nsw", last.getModelId());
      assertEquals(8, last.getExamplesSeen());
      assertEquals(List.of("nswprice", "vicdemand"), last.getFeatureNames(), "numeric fields, by name");
      assertEquals(4, last.getDeadLetters(), "every dead letter of the model counted on it");

      List<DeadLetter> letters = driver.createOutputTopic("events-dlq", new StringDeserializer(),
          Serdes.deadLetter().deserializer()).readValuesToList();
      assertEquals(5, letters.size());
      assertEquals("label 2.0 is not 0 or 1", letters.get(0).getReason());
      assertEquals("feature names differ from the model's: missing 'vicdemand'", letters.get(1).getReason());
      assertEquals("feature names differ from the model's: unknown 'transfer'", letters.get(2).getReason());
      assertTrue(letters.get(3).getReason().startsWith("undecodable: not JSON: "), letters.get(3).getReason());
      assertEquals("nsw", letters.get(3).getModelId(), "the key names the model of a record that cannot be read");
      assertEquals("undecodable: no model field 'market'", letters.get(4).getReason());
      assertEquals("vic", letters.get(4).getModelId());
      assertTrue(letters.get(0).getOriginalValue().remaining() > 0, "the original bytes kept");
    }
  }

  @Test
  void learnsCsvLinesOfNamedColumns() {
    try (TopologyTestDriver driver = driver(Map.of(LearnerConfig.INPUT_FORMAT, "csv", LearnerConfig.INPUT_LABEL,
        "class", LearnerConfig.INPUT_MODEL_ID, "elec", LearnerConfig.INPUT_CSV_COLUMNS, "nswprice,class,vicdemand"))) {
      TestInputTopic<String, byte[]> events = driver.createInputTopic("events", new StringSerializer(),
          new ByteArraySerializer());
      for (int i = 0; i < 8; i++) {
        send(events, null, (i * 0.1) + "," + (i % 2) + "," + (1 - i * 0.1));
      }
      send(events, null, "0.3,1,high");
      driver.advanceWallClockTime(Duration.ofMillis(2000));
      List<ModelSnapshot> snapshots = driver.createOutputTopic("model-snapshots", new StringDeserializer(),
          Serdes.modelSnapshot().deserializer()).readValuesToList();
      ModelSnapshot last = snapshots.get(snapshots.size() - 1);
      assertEquals("elec", last.getModelId());
      assertEquals(8, last.getExamplesSeen());
      assertEquals(List.of("nswprice", "vicdemand"), last.getFeatureNames());
      assertEquals(1, last.getDeadLetters());
      DeadLetter letter = driver.createOutputTopic("events-dlq", new StringDeserializer(),
          Serdes.deadLetter().deserializer()).readValue();
      assertEquals("undecodable: column 'vicdemand' is \"high\", not a number", letter.getReason());
    }
  }
}
