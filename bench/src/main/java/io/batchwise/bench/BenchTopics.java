package io.batchwise.bench;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.batchwise.ingest.DenseEncoding;
import io.batchwise.schemas.AvroSerde;
import io.batchwise.schemas.LabelledEvent;
import io.batchwise.schemas.Serdes;

/** Filling the benchmarks' input topics, and reading how far a consumer group has come through them. */
final class BenchTopics {
  private BenchTopics() {
  }

  /** Creates a one-partition topic (the events of one model go to one partition, as the learner keys them). */
  static void create(String servers, String topic) throws InterruptedException, ExecutionException {
    try (Admin admin = admin(servers)) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }

  /**
   * Publishes the stream's events as model {@code modelId}'s, in order, at {@code eventsPerSecond} (0: as fast
   * as the producer goes), dense features in {@code encoding}. Returns each event's append time (ms).
   */
  static long[] publish(String servers, String topic, BenchStream stream, String modelId, DenseEncoding encoding,
      double eventsPerSecond) throws InterruptedException {
    int n = stream.size();
    long[] appended = new long[n];
    AvroSerde<LabelledEvent> serde = Serdes.labelledEvent();
    double[] row = new double[stream.featureCount()];
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
        ProducerConfig.LINGER_MS_CONFIG, eventsPerSecond > 0 ? 1 : 20,
        ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
        ProducerConfig.BUFFER_MEMORY_CONFIG, 256L << 20,
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20,
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new StringSerializer(), new ByteArraySerializer())) {
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        if (eventsPerSecond > 0) {
          long wait = start + (long) (i * 1e9 / eventsPerSecond) - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
        }
        stream.features(i, row);
        LabelledEvent event = LabelledEvent.newBuilder().setModelId(modelId).setEventId(Integer.toString(i))
            .setEventTime(Instant.now()).setFeatures(encoding.encode(row)).setLabel(stream.label(i)).build();
        int index = i;
        producer.send(new ProducerRecord<>(topic, 0, null, modelId, serde.serialize(topic, event)),
            (metadata, error) -> appended[index] = error == null ? metadata.timestamp() : Long.MAX_VALUE);
      }
      producer.flush();
    }
    for (long t : appended) {
      if (t == Long.MAX_VALUE) {
        throw new IllegalStateException("the benchmark's producer lost events");
      }
    }
    return appended;
  }

  /** The offset after the last record of the topic's partition 0. */
  static long endOffset(String servers, String topic) throws InterruptedException, ExecutionException {
    try (Admin admin = admin(servers)) {
      TopicPartition partition = new TopicPartition(topic, 0);
      return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition).get().offset();
    }
  }

  /**
   * Follows a consumer group's committed offset in partition 0 of {@code topic} until it reaches {@code end};
   * returns the records per second between its first commit and its last (the consumer's steady rate, without
   * its start-up), or empty when {@code stillRunning} says the consumer died or the time ran out.
   */
  static OptionalLong followGroup(String servers, String group, String topic, long end, long timeoutSeconds,
      java.util.function.BooleanSupplier stillRunning) throws InterruptedException, ExecutionException {
    TopicPartition partition = new TopicPartition(topic, 0);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    long firstOffset = -1;
    long firstNanos = 0;
    try (Admin admin = admin(servers)) {
      while (System.nanoTime() < deadline && stillRunning.getAsBoolean()) {
        OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
            .get(partition);
        long now = System.nanoTime();
        if (committed != null && committed.offset() > 0 && firstOffset < 0) {
          firstOffset = committed.offset();
          firstNanos = now;
        }
        if (committed != null && committed.offset() >= end) {
          double seconds = (now - firstNanos) / 1e9;
          return OptionalLong.of(seconds > 0 ? Math.round((end - firstOffset) / seconds) : 0);
        }
        Thread.sleep(10);
      }
    }
    return OptionalLong.empty();
  }

  private static Admin admin(String servers) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers));
  }
}
