package io.batchwise.learner.stream;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** {@link InputReplay} against the brokers: the group's committed offsets from an admin client, records from a consumer. */
final class KafkaInputReplay implements InputReplay {
  /** How long a replay may take before the task fails (and Kafka Streams retries it). */
  private static final Duration PATIENCE = Duration.ofMinutes(2);

  private final Admin admin;
  private final String groupId;
  private final Map<String, Object> consumerSettings;

  /**
   * @param consumerSettings the stream's consumer settings (bootstrap servers, security), without a group
   */
  KafkaInputReplay(Admin admin, String groupId, Map<String, Object> consumerSettings) {
    this.admin = admin;
    this.groupId = groupId;
    this.consumerSettings = new HashMap<>(consumerSettings);
    this.consumerSettings.remove(ConsumerConfig.GROUP_ID_CONFIG);
    this.consumerSettings.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    this.consumerSettings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.consumerSettings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        IsolationLevel.READ_COMMITTED.toString().toLowerCase(java.util.Locale.ROOT));
  }

  @Override
  public long committedOffset(TopicPartition partition) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      try {
        // stable: an offset commit still inside an open transaction is waited for, as the stream's consumer does
        OffsetAndMetadata committed = admin.listConsumerGroupOffsets(
                Map.of(groupId, new ListConsumerGroupOffsetsSpec().topicPartitions(List.of(partition))),
                new ListConsumerGroupOffsetsOptions().requireStable(true))
            .partitionsToOffsetAndMetadata(groupId).get(30, TimeUnit.SECONDS).get(partition);
        return committed == null ? -1 : committed.offset();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while reading the committed offset of " + partition, e);
      } catch (ExecutionException | TimeoutException e) {
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        boolean retriable = cause instanceof RetriableException || cause instanceof TimeoutException;
        if (!retriable || System.nanoTime() > deadline) {
          throw new IllegalStateException("cannot read the committed offset of " + partition + " for group " + groupId
              + ": " + cause, cause);
        }
        sleep(200);
      }
    }
  }

  @Override
  public void read(TopicPartition partition, long from, long to, Handler handler) {
    if (from >= to) {
      return;
    }
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerSettings, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      consumer.assign(List.of(partition));
      long earliest = consumer.beginningOffsets(List.of(partition), Duration.ofSeconds(30)).get(partition);
      if (earliest > from) {
        throw new IllegalStateException("the events " + from + " to " + (earliest - 1) + " of " + partition
            + " that the learner must learn again after a restart are gone (the topic's retention deleted them): "
            + "keep events longer than the learner's snapshot interval");
      }
      consumer.seek(partition, from);
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      while (consumer.position(partition) < to) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("reading back " + partition + " from " + from + " to " + to + " took longer than "
              + PATIENCE.toSeconds() + " s");
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.offset() >= to) {
            return;
          }
          handler.accept(record.offset(), record.timestamp(), record.key(), record.value());
        }
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
