package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.batchwise.app.broker.EmbeddedKafkaBroker;

class EmbeddedKafkaBrokerTest {
  @Test
  void servesProducersAndConsumersAndRemovesItsFolderOnClose() throws Exception {
    Path dir;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      dir = broker.dataDir();
      assertTrue(broker.bootstrapServers().startsWith("127.0.0.1:"));
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>("t", "k", "hello")).get();
      }
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
          ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), new StringDeserializer(), new StringDeserializer())) {
        TopicPartition tp = new TopicPartition("t", 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofSeconds(10));
        assertEquals("hello", records.iterator().next().value());
      }
    }
    assertFalse(Files.exists(dir), "the temporary data folder is removed");
  }

  @Test
  void logSegmentsHaveKafkasDefaultSizeUnlessOverridden() throws Exception {
    assertEquals(String.valueOf(1024 * 1024 * 1024), segmentBytes(Map.of()));
    assertEquals("67108864", segmentBytes(Map.of("log.segment.bytes", "67108864")));
  }

  private static String segmentBytes(Map<String, String> overrides) throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(new EmbeddedKafkaBroker.Options(0, null, overrides,
        List.of()));
         Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      ConfigResource node = new ConfigResource(ConfigResource.Type.BROKER, "1");
      return admin.describeConfigs(List.of(node)).all().get().get(node).get("log.segment.bytes").value();
    }
  }
}
