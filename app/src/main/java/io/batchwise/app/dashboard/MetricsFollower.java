package io.batchwise.app.dashboard;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.batchwise.schemas.AvroSerde;
import io.batchwise.schemas.Serdes;
import io.batchwise.schemas.TrainingMetrics;

/**
 * Follows the metrics topic from its beginning (read_committed, no consumer group) and tells its listeners of
 * every {@link TrainingMetrics} summary, in a background thread. A topic that does not exist yet is waited for;
 * a topic it may not read stops it with the reason in {@link #problem()}, so that what uses it can say why its
 * charts stay empty instead of failing.
 */
public final class MetricsFollower implements AutoCloseable {
  private static final Duration TOPIC_RETRY = Duration.ofSeconds(1);

  private final Map<String, Object> settings;
  private final String topic;
  private final List<Consumer<TrainingMetrics>> listeners = new CopyOnWriteArrayList<>();
  private volatile KafkaConsumer<String, byte[]> consumer;
  private volatile Thread thread;
  private volatile boolean running;
  /** Counted down by close: ends the wait for a topic that does not exist yet (an interrupt would upset the consumer). */
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile String problem;

  /** @param clientSettings bootstrap servers and the client security keys */
  public MetricsFollower(Map<String, Object> clientSettings, String topic) {
    this.settings = new HashMap<>(clientSettings);
    settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
    this.topic = topic;
  }

  public MetricsFollower onSummary(Consumer<TrainingMetrics> listener) {
    listeners.add(listener);
    return this;
  }

  public MetricsFollower start() {
    running = true;
    thread = new Thread(this::follow, "metrics-follower-" + topic);
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  public String topic() {
    return topic;
  }

  /** Why nothing is read, while that is so: the topic is missing, or may not be read. */
  public Optional<String> problem() {
    return Optional.ofNullable(problem);
  }

  private void follow() {
    AvroSerde<TrainingMetrics> serde = Serdes.trainingMetrics();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(settings, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      consumer = c;
      List<TopicPartition> partitions = List.of();
      while (running && partitions.isEmpty()) {
        partitions = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(topic, p.partition())).toList();
        if (partitions.isEmpty()) {
          problem = "no topic " + topic + " yet";
          if (closing.await(TOPIC_RETRY.toMillis(), TimeUnit.MILLISECONDS)) {
            return;
          }
        }
      }
      c.assign(partitions);
      c.seekToBeginning(partitions);
      problem = null;
      while (running) {
        for (ConsumerRecord<String, byte[]> record : c.poll(Duration.ofMillis(200))) {
          TrainingMetrics summary;
          try {
            summary = serde.deserialize(record.topic(), record.value());
          } catch (SerializationException e) {
            continue;  // not a summary this version reads (or a commit marker handed over): the others still are
          }
          for (Consumer<TrainingMetrics> listener : listeners) {
            listener.accept(summary);
          }
        }
      }
    } catch (WakeupException | InterruptedException e) {
      // closing
    } catch (RuntimeException e) {
      problem = "cannot read " + topic + ": " + e.getMessage();
    }
  }

  @Override
  public void close() {
    running = false;
    closing.countDown();
    KafkaConsumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    Thread t = thread;
    if (t != null) {
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
