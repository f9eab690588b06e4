package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code batchwise topics}: each topic but the events created with a bound of its own. */
class TopicsCommandTest {
  @RegisterExtension
  static final TestKafkaCluster kafka = new TestKafkaCluster();

  @TempDir
  Path dir;

  /** A config file naming the topics after {@code prefix}, so each test has its own, plus {@code lines}. */
  private Path config(String prefix, String... lines) throws Exception {
    List<String> all = new ArrayList<>(List.of("events.topic=" + prefix + "events",
        "snapshots.topic=" + prefix + "snapshots", "metrics.topic=" + prefix + "metrics",
        "dead.letter.topic=" + prefix + "dlq"));
    all.addAll(List.of(lines));
    Path file = dir.resolve(prefix + "batchwise.properties");
    Files.write(file, all);
    return file;
  }

  @Test
  void createsEachTopicWithItsOwnRetention() throws Exception {
    CommandRun run = CommandRun.inProcess("topics", "--bootstrap", kafka.bootstrapServers(), "--config",
        config("defaults-").toString(), "--partitions", "3");
    assertEquals(0, run.exitCode(), run.err());

    // the settings each topic was created with (topic-level overrides; the rest is the broker's default)
    assertEquals(Map.of(), createdWith("defaults-events"));
    assertEquals(Map.of(
        "cleanup.policy", "compact",
        "segment.ms", "600000",
        "segment.bytes", "67108864",
        "min.cleanable.dirty.ratio", "0.1",
        "max.message.bytes", "16777216",
        "compression.type", "producer"), createdWith("defaults-snapshots"));
    assertEquals(Map.of(
        "retention.ms", "86400000",
        "retention.bytes", "268435456",
        "segment.ms", "21600000",
        "segment.bytes", "67108864"), createdWith("defaults-metrics"));
    assertEquals(Map.of(
        "retention.ms", "1209600000",
        "retention.bytes", "1073741824",
        "segment.ms", "302400000",
        "segment.bytes", "268435456"), createdWith("defaults-dlq"));
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      assertEquals(3, admin.describeTopics(List.of("defaults-events")).allTopicNames().get()
          .get("defaults-events").partitions().size());
    }
  }

  @Test
  void theBoundsAreSettings() throws Exception {
    CommandRun run = CommandRun.inProcess("topics", "--bootstrap", kafka.bootstrapServers(), "--config",
        config("custom-", "events.retention.ms=3600000", "events.retention.bytes=1073741824",
            "metrics.retention.ms=7200000", "metrics.retention.bytes=-1", "dead.letter.retention.ms=604800000",
            "snapshots.segment.ms=60000", "snapshots.min.cleanable.dirty.ratio=0.5").toString());
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(Map.of("retention.ms", "3600000", "retention.bytes", "1073741824"), createdWith("custom-events"));
    assertEquals(Map.of("retention.ms", "7200000", "retention.bytes", "-1", "segment.ms", "1800000"),
        createdWith("custom-metrics"));
    assertEquals("604800000", createdWith("custom-dlq").get("retention.ms"));
    assertEquals("60000", createdWith("custom-snapshots").get("segment.ms"));
    assertEquals("0.5", createdWith("custom-snapshots").get("min.cleanable.dirty.ratio"));
  }

  @Test
  void anEventsRetentionTooShortForARestartedLearnerIsRefused() throws Exception {
    CommandRun run = CommandRun.inProcess("topics", "--bootstrap", kafka.bootstrapServers(), "--config",
        config("short-", "events.retention.ms=60000").toString());
    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.errorLine().contains("events.retention.ms") && run.errorLine().contains("at least 600000"),
        run.errorLine());
  }

  /** With the snapshots topic's segments rolled quickly, the log cleaner removes a model's old versions. */
  @Test
  void oldSnapshotVersionsReallyGo() throws Exception {
    CommandRun run = CommandRun.inProcess("topics", "--bootstrap", kafka.bootstrapServers(), "--config",
        config("compacted-", "snapshots.segment.ms=500").toString(), "--partitions", "1");
    assertEquals(0, run.exitCode(), run.err());
    String topic = "compacted-snapshots";
    int versions = 30;
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
        new StringSerializer())) {
      for (int v = 1; v <= versions; v++) {
        producer.send(new ProducerRecord<>(topic, "model", "version " + v)).get();
        Thread.sleep(100);  // a new segment every 500 ms
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    List<String> kept = readAll(topic);
    while (kept.size() > versions / 3 && System.nanoTime() < deadline) {
      Thread.sleep(1000);
      kept = readAll(topic);
    }
    assertTrue(kept.size() <= versions / 3, "old versions still there: " + kept);
    assertEquals("version " + versions, kept.get(kept.size() - 1), "the latest version stays");
  }

  private static Map<String, String> createdWith(String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
      Map<String, String> overrides = new TreeMap<>();
      for (ConfigEntry entry : config.entries()) {
        if (entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
          overrides.put(entry.name(), entry.value());
        }
      }
      return overrides;
    }
  }

  private static List<String> readAll(String topic) {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringDeserializer(),
        new StringDeserializer())) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      while (consumer.position(partition) < end) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          values.add(record.value());
        }
      }
    }
    return values;
  }
}
