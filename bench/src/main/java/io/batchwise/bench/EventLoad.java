package io.batchwise.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.batchwise.ingest.EventSource;
import io.batchwise.ingest.SourceRow;
import io.batchwise.ingest.SyntheticStreams;
import io.batchwise.schemas.AvroSerde;
import io.batchwise.schemas.DenseFeatures;
import io.batchwise.schemas.LabelledEvent;
import io.batchwise.schemas.Serdes;

/**
 * Events at a steady rate, on a thread of its own, for several models in turn (each a drifting hyperplane
 * stream, keyed by its model id): one in {@code invalidEvery} is one the learner must refuse, in turn undecodable
 * bytes and an event with a NaN feature. Counts, per model, the valid and the invalid events the broker took.
 */
final class EventLoad implements AutoCloseable {
  private final String topic;
  private final List<String> models;
  private final int featureCount;
  private final double eventsPerSecond;
  private final int invalidEvery;
  private final KafkaProducer<String, byte[]> producer;
  private final Map<String, AtomicLong> valid = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> invalid = new ConcurrentHashMap<>();
  private final AtomicLong failures = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;

  EventLoad(String servers, String topic, List<String> models, int featureCount, double eventsPerSecond,
      int invalidEvery) {
    this.topic = topic;
    this.models = List.copyOf(models);
    this.featureCount = featureCount;
    this.eventsPerSecond = eventsPerSecond;
    this.invalidEvery = invalidEvery;
    this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
        ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
        new StringSerializer(), new ByteArraySerializer());
    models.forEach(m -> {
      valid.put(m, new AtomicLong());
      invalid.put(m, new AtomicLong());
    });
    this.thread = new Thread(this::publish, "soak-events");
  }

  EventLoad start() {
    thread.start();
    return this;
  }

  private void publish() {
    AvroSerde<LabelledEvent> serde = Serdes.labelledEvent();
    List<EventSource> sources = new ArrayList<>();
    for (int m = 0; m < models.size(); m++) {
      sources.add(SyntheticStreams.create("hyperplane:d=" + featureCount + ",n=0,drift=0.0005", models.get(m), m + 1));
    }
    List<Double> nanFeatures = new ArrayList<>(Collections.nCopies(featureCount, 0.5));
    nanFeatures.set(0, Double.NaN);
    long start = System.nanoTime();
    try {
      for (long i = 0; running; i++) {
        long wait = start + (long) (i * 1e9 / eventsPerSecond) - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        // the invalid events go to each model in turn, and to each both kinds in turn
        boolean valid = invalidEvery == 0 || i % invalidEvery != invalidEvery - 1;
        long k = i / Math.max(1, invalidEvery);
        int m = (int) (valid ? i % models.size() : k % models.size());
        String model = models.get(m);
        LabelledEvent event = ((SourceRow.Valid) sources.get(m).next()).event();
        byte[] value;
        Map<String, AtomicLong> counted;
        if (!valid) {
          boolean undecodable = (k / models.size()) % 2 == 0;
          value = undecodable ? ("not an event " + i).getBytes(StandardCharsets.UTF_8)
              : serde.serialize(topic, LabelledEvent.newBuilder(event).setFeatures(new DenseFeatures(nanFeatures))
                  .build());
          counted = invalid;
        } else {
          value = serde.serialize(topic, event);
          counted = this.valid;
        }
        producer.send(new ProducerRecord<>(topic, model, value), (metadata, error) -> {
          if (error == null) {
            counted.get(model).incrementAndGet();
          } else {
            failures.incrementAndGet();
          }
        });
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      sources.forEach(EventSource::close);
    }
  }

  /** Events the broker took so far, valid and invalid. */
  long sent() {
    return total(valid) + total(invalid);
  }

  Map<String, Long> valid() {
    return counts(valid);
  }

  Map<String, Long> invalid() {
    return counts(invalid);
  }

  /** Sends the broker refused: none may be, or the counts are not the ones the learners were given. */
  long failures() {
    return failures.get();
  }

  private static long total(Map<String, AtomicLong> counts) {
    return counts.values().stream().mapToLong(AtomicLong::get).sum();
  }

  private static Map<String, Long> counts(Map<String, AtomicLong> counts) {
    Map<String, Long> copy = new java.util.TreeMap<>();
    counts.forEach((model, count) -> copy.put(model, count.get()));
    return copy;
  }

  /** Stops publishing, and waits until every event sent is acknowledged. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join();
    producer.flush();
    producer.close();
  }
}
