package io.batchwise.app.report;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.batchwise.schemas.AvroSerde;
import io.batchwise.schemas.Serdes;
import io.batchwise.schemas.TrainingMetrics;

/** Records one model's TrainingMetrics summaries from the metrics topic while a run goes on, for the report. */
public final class MetricsRecorder implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;
  private final String modelId;
  private final List<TrainingMetrics> updates = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  /** @param clientSettings bootstrap servers and the client security keys */
  public MetricsRecorder(Map<String, Object> clientSettings, String topic, String modelId) {
    Map<String, Object> settings = new HashMap<>(clientSettings);
    settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.consumer = new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer());
    this.modelId = modelId;
    List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
        .map(p -> new TopicPartition(topic, p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    this.thread = new Thread(this::record, "metrics-recorder-" + modelId);
    thread.setDaemon(true);
    thread.start();
  }

  private void record() {
    AvroSerde<TrainingMetrics> serde = Serdes.trainingMetrics();
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          TrainingMetrics m = serde.deserialize(record.topic(), record.value());
          if (m.getModelId().equals(modelId)) {
            synchronized (updates) {
              updates.add(m);
            }
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close();
    }
  }

  /** The newest summary recorded so far, or null. */
  public TrainingMetrics latest() {
    synchronized (updates) {
      return updates.isEmpty() ? null : updates.get(updates.size() - 1);
    }
  }

  /** Waits until the recorded summaries cover {@code examples} examples (or the timeout), then returns them in order. */
  public List<TrainingMetrics> awaitExamples(long examples, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      synchronized (updates) {
        if (!updates.isEmpty() && updates.get(updates.size() - 1).getExamplesSeen() >= examples) {
          break;
        }
      }
      Thread.sleep(50);
    }
    synchronized (updates) {
      List<TrainingMetrics> sorted = new ArrayList<>(updates);
      sorted.sort((a, b) -> Long.compare(a.getVersion(), b.getVersion()));
      return sorted;
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(5000);
  }
}
