package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.batchwise.client.SnapshotFollower;
import io.batchwise.learner.stream.LearnerConfig;
import io.batchwise.schemas.ModelSnapshot;

/** A topic of JSON records as a user already has it, learned as it is: no re-publishing as LabelledEvents. */
class JsonTopicTest {
  @RegisterExtension
  static final TestKafkaCluster kafka = new TestKafkaCluster();

  @TempDir
  Path dir;

  @Test
  void learnsAUsersJsonTopicWithNamedFeaturesAndItsBadRecordsAsDeadLetters() throws Exception {
    Map<String, Object> settings = PipelineRun.learnerSettings(kafka.bootstrapServers(), dir, "fixed:16");
    settings.put(LearnerConfig.EVENTS_TOPIC, "prices");
    settings.put(LearnerConfig.INPUT_FORMAT, "json");
    settings.put(LearnerConfig.INPUT_LABEL, "up");
    settings.put(LearnerConfig.INPUT_MODEL_FIELD, "market");
    LearnerConfig config = new LearnerConfig(settings);
    config.validateSpecs();
    TopicSetup.ensureTopics(kafka.bootstrapServers(), config, 1);
    int valid = 1000;
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
      Random random = new Random(11);
      for (int i = 0; i < valid; i++) {
        if (i == 10) {
          // early, so that the model's last snapshot counts their dead letters
          producer.send(new ProducerRecord<>("prices", null, "{\"market\": \"nsw\", \"price\": 1, \"demand\": 1}"));
          producer.send(new ProducerRecord<>("prices", null, "{\"market\": \"nsw\", \"price\": 1, \"up\": true}"));
          producer.send(new ProducerRecord<>("prices", "nsw", "price=1,demand=2"));
        }
        double price = random.nextGaussian();
        double demand = random.nextGaussian();
        producer.send(new ProducerRecord<>("prices", null, String.format(java.util.Locale.ROOT,
            "{\"ts\": \"2026-12-03T06:%02d\", \"market\": \"nsw\", \"price\": %.5f, \"demand\": %.5f, \"up\": %b}",
            i % 60, price, demand, price + 0.5 * demand > 0)));
      }
    }
    assertEquals(valid, PipelineRun.awaitExamples(settings, config, kafka.bootstrapServers(), "nsw", valid,
        Duration.ofMinutes(2)));
    ModelSnapshot snapshot = latest("nsw", 3);
    assertEquals(List.of("demand", "price"), snapshot.getFeatureNames(), "the numeric fields, by name");
    assertTrue(snapshot.getMetrics().getAccuracy() > 0.75, "learned: " + snapshot.getMetrics().getAccuracy());
  }

  private static ModelSnapshot latest(String model, long count) {
    SnapshotFollower follower = new SnapshotFollower(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers()), "model-snapshots");
    ModelSnapshot snapshot = follower.readToEnd(Duration.ofSeconds(30)).get(model);
    assertEquals(count, snapshot.getDeadLetters(), "no label, a missing feature, and not JSON");
    return snapshot;
  }

  @Test
  void inputSettingsThatCannotReadTheTopicAreWrongUsage() {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      assertEquals(2, Main.run("learn", "--bootstrap", "127.0.0.1:1", "--input-format", "json"));
      assertEquals(2, Main.run("learn", "--bootstrap", "127.0.0.1:1", "--input-format", "xml"));
      assertEquals(2, Main.run("learn", "--bootstrap", "127.0.0.1:1", "--label", "y"));
      assertEquals(2, Main.run("learn", "--bootstrap", "127.0.0.1:1", "--input-format", "csv", "--label", "class",
          "--columns", "a,b"));
    } finally {
      System.setErr(err);
    }
    List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(List.of(
        "batchwise learn: json input needs the label's field (input.label)",
        "batchwise learn: Invalid value xml for configuration input.format: String must be one of: avro, json, csv",
        "batchwise learn: input.label applies to json and csv input only: Avro events carry their label, features and model",
        "batchwise learn: 'class' is not one of the columns [a, b] (input.csv.columns)"), lines);
  }
}
