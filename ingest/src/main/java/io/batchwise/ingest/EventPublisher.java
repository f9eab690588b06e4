package io.batchwise.ingest;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.batchwise.schemas.AvroSerde;
import io.batchwise.schemas.DeadLetter;
import io.batchwise.schemas.LabelledEvent;
import io.batchwise.schemas.Serdes;

/**
 * Publishes a source's events to the events topic (key = model id) and its rejected rows to the
 * dead-letter topic, with an idempotent, compressed, batching producer. A send that fails makes
 * {@link #publish} throw once the producer has given up (after {@value #DELIVERY_TIMEOUT_MS} ms).
 */
public final class EventPublisher implements AutoCloseable {
  static final int DELIVERY_TIMEOUT_MS = 30_000;
  private static final long PROGRESS_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private final KafkaProducer<String, byte[]> producer;
  private final String eventsTopic;
  private final String deadLetterTopic;
  private final AvroSerde<LabelledEvent> events = Serdes.labelledEvent();
  private final AvroSerde<DeadLetter> deadLetters = Serdes.deadLetter();

  /**
   * @param producerSettings producer settings, at least bootstrap.servers; batchwise's defaults fill the rest
   */
  public EventPublisher(Map<String, Object> producerSettings, String eventsTopic, String deadLetterTopic) {
    Map<String, Object> settings = new HashMap<>();
    settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    settings.put(ProducerConfig.ACKS_CONFIG, "all");
    settings.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    settings.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    settings.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
    settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    settings.putAll(producerSettings);
    this.producer = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
    this.eventsTopic = eventsTopic;
    this.deadLetterTopic = deadLetterTopic;
  }

  /**
   * Publishes the sources {@code sources} opens, once per pass, paced and limited by {@code options}.
   *
   * @param sources opens the source anew for each pass
   */
  public IngestReport publish(Supplier<EventSource> sources, PublishOptions options, ProgressListener listener) {
    ProgressListener progress = listener == null ? ProgressListener.NONE : listener;
    AtomicLong acknowledged = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    long rejected = 0;
    long sent = 0;
    long start = System.nanoTime();
    long lastProgress = start;
    Pacer pacer = new Pacer(options.eventsPerSecond(), start);
    try {
      for (long pass = 0; options.passes() == 0 || pass < options.passes(); pass++) {
        boolean any = false;
        try (EventSource source = sources.get()) {
          SourceRow row;
          while ((row = source.next()) != null) {
            any = true;
            if (failure.get() != null) {
              throw new IllegalStateException("cannot publish to " + eventsTopic + ": " + failure.get().getMessage());
            }
            if (row instanceof SourceRow.Valid valid) {
              pacer.await(sent);
              LabelledEvent event = valid.event();
              producer.send(new ProducerRecord<>(eventsTopic, event.getModelId(), events.serialize(eventsTopic, event)),
                  (metadata, error) -> {
                    if (error == null) {
                      acknowledged.incrementAndGet();
                    } else {
                      failure.compareAndSet(null, error);
                    }
                  });
              sent++;
              if (options.limit() > 0 && sent >= options.limit()) {
                return finish(acknowledged, failure, rejected, start, progress);
              }
            } else {
              SourceRow.Rejected bad = (SourceRow.Rejected) row;
              producer.send(new ProducerRecord<>(deadLetterTopic, null, deadLetters.serialize(deadLetterTopic,
                  deadLetter(source.description(), bad))), (metadata, error) -> {
                    if (error != null) {
                      failure.compareAndSet(null, error);
                    }
                  });
              rejected++;
            }
            long now = System.nanoTime();
            if (now - lastProgress > PROGRESS_EVERY_NANOS) {
              progress.progress(acknowledged.get(), rejected, (now - start) / 1e9);
              lastProgress = now;
            }
          }
        }
        if (!any) {
          break;  // an empty source would loop forever
        }
      }
      return finish(acknowledged, failure, rejected, start, progress);
    } catch (KafkaException e) {
      throw new IllegalStateException("cannot publish to " + eventsTopic + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing");
    }
  }

  private IngestReport finish(AtomicLong acknowledged, AtomicReference<Exception> failure, long rejected, long start,
      ProgressListener progress) {
    producer.flush();
    if (failure.get() != null) {
      throw new IllegalStateException("cannot publish to " + eventsTopic + ": " + failure.get().getMessage());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    progress.progress(acknowledged.get(), rejected, seconds);
    return new IngestReport(acknowledged.get(), rejected, seconds);
  }

  private static DeadLetter deadLetter(String source, SourceRow.Rejected bad) {
    return DeadLetter.newBuilder()
        .setSourceTopic(source)
        .setPartition(-1)
        .setOffset(bad.line())
        .setTimestamp(Instant.now())
        .setReason("line " + bad.line() + ": " + bad.reason())
        .setDetectedBy("ingest")
        .setOriginalValue(ByteBuffer.wrap(bad.original()))
        .build();
  }

  /** Paces sends to a rate by sleeping until each event's due time (no busy wait, no drift). */
  static final class Pacer {
    private final double rate;
    private final long start;

    Pacer(double eventsPerSecond, long startNanos) {
      this.rate = eventsPerSecond;
      this.start = startNanos;
    }

    /** Nanoseconds from start at which event number {@code index} is due. */
    long dueNanos(long index) {
      return rate > 0 ? (long) (index * 1e9 / rate) : 0;
    }

    void await(long index) throws InterruptedException {
      if (rate <= 0) {
        return;
      }
      long wait = start + dueNanos(index) - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
    }
  }

  @Override
  public void close() {
    producer.close(java.time.Duration.ofSeconds(10));
  }
}
