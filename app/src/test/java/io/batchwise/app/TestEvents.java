package io.batchwise.app;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.batchwise.schemas.DenseFeatures;
import io.batchwise.schemas.LabelledEvent;
import io.batchwise.schemas.Serdes;

/** Produces labelled events for several models for a while, counting what the broker acknowledged. */
final class TestEvents implements Runnable {
  private final String bootstrap;
  private final String topic;
  private final int models;
  private final long seconds;
  private final Map<String, AtomicLong> acknowledged = new ConcurrentHashMap<>();
  private final AtomicLong failed = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicReference<Exception> firstFailure =
      new java.util.concurrent.atomic.AtomicReference<>();

  TestEvents(String bootstrap, String topic, int models, long seconds) {
    this.bootstrap = bootstrap;
    this.topic = topic;
    this.models = models;
    this.seconds = seconds;
  }

  @Override
  public void run() {
    Random random = new Random(5);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 5,
        // a loaded CI machine or a restarting broker can stall sends for a while: retry, don't give up
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000,
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000),
        new StringSerializer(), new ByteArraySerializer())) {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      for (int i = 0; System.nanoTime() < end; i++) {
        String model = "model-" + (i % models);
        double x0 = random.nextGaussian();
        double x1 = random.nextGaussian();
        LabelledEvent event = LabelledEvent.newBuilder().setModelId(model).setEventId("e" + i)
            .setEventTime(Instant.now()).setFeatures(new DenseFeatures(List.of(x0, x1)))
            .setLabel(x0 + x1 > 0 ? 1 : 0).build();
        producer.send(new ProducerRecord<>(topic, model, Serdes.labelledEvent().serialize(topic, event)),
            (metadata, error) -> {
              if (error == null) {
                acknowledged.computeIfAbsent(model, m -> new AtomicLong()).incrementAndGet();
              } else {
                failed.incrementAndGet();
                firstFailure.compareAndSet(null, error);
              }
            });
        if (i % 100 == 0) {
          Thread.sleep(10);
        }
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  Map<String, Long> acknowledged() {
    Map<String, Long> counts = new java.util.TreeMap<>();
    acknowledged.forEach((model, count) -> counts.put(model, count.get()));
    return counts;
  }

  long failed() {
    return failed.get();
  }

  /** The first send error, for assertion messages. */
  String firstFailure() {
    return String.valueOf(firstFailure.get());
  }
}
