package io.batchwise.ingest;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Map;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.batchwise.schemas.DeadLetter;
import io.batchwise.schemas.LabelledEvent;
import io.batchwise.schemas.Serdes;

/**
 * Publishes an {@link EventSource} to Kafka: valid events to the events topic (key = model id, or the source's key
 * column, or none and every partition in turn when spread; value = {@code LabelledEvent} in Avro single-object
 * encoding), rejected rows to the dead-letter topic (key = model id,
 * value = {@code DeadLetter} with the file as source, partition -1, the line number as offset, the reason, and
 * the raw line). One producer writes both, so the two topics see one idempotent session.
 *
 * <p>A send that fails (asynchronously, via its callback, or synchronously, e.g. no metadata within
 * {@code max.block.ms}) ends the publish with a {@link PublishFailedException}; with the defaults of
 * {@link #producerConfig} an unreachable broker fails within about 15 s instead of hanging.
 * Not thread-safe: one publish at a time; {@link #stop()} may be called from any thread.
 */
public final class EventPublisher implements AutoCloseable {
  /**
   * The feature names go with a pass's first event and every this many after it: a learner that starts after
   * retention removed the first event still learns them, and the others do not pay for them.
   */
  static final int NAMES_EVERY = 1000;
  private final Producer<String, byte[]> producer;
  private final String eventsTopic;
  private final String deadLetterTopic;
  private final NanoClock clock;
  private final Clock wallClock;
  private final Serializer<LabelledEvent> eventSerializer = Serdes.labelledEvent();
  private final Serializer<DeadLetter> deadLetterSerializer = Serdes.deadLetter();
  private volatile boolean stopRequested;

  /**
   * A publisher with its own {@link KafkaProducer}, configured by {@link #producerConfig(Map)}.
   *
   * @param producerSettings at least {@code bootstrap.servers}; any key here overrides the defaults
   */
  public EventPublisher(Map<String, ?> producerSettings, String eventsTopic, String deadLetterTopic) {
    this(new KafkaProducer<>(producerConfig(producerSettings), new StringSerializer(), new ByteArraySerializer()),
        eventsTopic, deadLetterTopic, NanoClock.system(), Clock.systemUTC());
  }

  /** A publisher over a given producer (e.g. Kafka's {@code MockProducer}) and clocks; it closes the producer. */
  public EventPublisher(Producer<String, byte[]> producer, String eventsTopic, String deadLetterTopic, NanoClock clock,
      Clock wallClock) {
    this.producer = producer;
    this.eventsTopic = eventsTopic;
    this.deadLetterTopic = deadLetterTopic;
    this.clock = clock;
    this.wallClock = wallClock;
  }

  /**
   * The producer configuration: these defaults, then every entry of {@code overrides}.
   * <ul>
   *   <li>{@code enable.idempotence=true}, {@code acks=all}: no duplicates or losses on retries</li>
   *   <li>{@code compression.type=lz4}: cheap on CPU, shrinks repetitive Avro batches several-fold</li>
   *   <li>{@code linger.ms=10}, {@code batch.size=262144}: fuller batches at high rates for little latency</li>
   *   <li>{@code max.block.ms=15000}: an unreachable broker (no metadata) fails a send after 15 s</li>
   *   <li>{@code request.timeout.ms=10000}, {@code delivery.timeout.ms=30000}: a record not acknowledged
   *       within 30 s fails, so a broker that dies midway ends the publish</li>
   *   <li>{@code client.id=batchwise-ingest}</li>
   * </ul>
   */
  public static Map<String, Object> producerConfig(Map<String, ?> overrides) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.LINGER_MS_CONFIG, "10");
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "batchwise-ingest");
    config.putAll(overrides);
    return config;
  }

  /** Publishes one pass over {@code source} (the options must not ask for more than one loop), then closes it. */
  public IngestReport publish(EventSource source, PublishOptions options, ProgressListener listener) {
    if (options.loops() != 1) {
      source.close();
      throw new IllegalArgumentException("looping needs a re-openable source: publish a Supplier<EventSource>");
    }
    boolean[] given = {false};
    return publish(() -> {
      if (given[0]) {
        throw new IllegalStateException("a single source cannot be reopened");
      }
      given[0] = true;
      return source;
    }, options, listener);
  }

  /**
   * Publishes {@code options.loops()} passes, each over a fresh source from {@code sources}, flushes, and reports.
   * Pass p > 1 appends {@code #p} to event ids, so they stay unique. Looping stops early when a pass yields
   * no row at all (an empty source would otherwise spin forever).
   *
   * @param listener hears the progress; null for none
   * @throws PublishFailedException when Kafka does not accept a record
   */
  public IngestReport publish(Supplier<? extends EventSource> sources, PublishOptions options,
      ProgressListener listener) {
    if (listener == null) {
      listener = ProgressListener.NONE;
    }
    stopRequested = false;
    AtomicReference<Exception> failure = new AtomicReference<>();
    Callback callback = (metadata, exception) -> {
      if (exception != null) {
        failure.compareAndSet(null, exception);
      }
    };
    long intervalNanos = options.progressInterval().toNanos();
    Pacer pacer = new Pacer(clock, intervalNanos);
    Run run = new Run(clock.nanoTime(), listener, intervalNanos);
    long limit = options.limit();
    Partitions spread = options.spread() ? new Partitions(partitionCount()) : null;
    outer:
    for (int pass = 1; options.loops() == 0 || pass <= options.loops(); pass++) {
      run.pass = pass;
      try (EventSource source = sources.get()) {
        List<String> names = source.featureNames();
        boolean byEventTime = options.rate() == 0 && options.followEventTime() && source.pacedByEventTime();
        // schedules are anchored when the first event has gone out: the first send waits for metadata, and
        // counting that wait would make the next events rush to catch up
        long passAnchor = 0;
        long firstEventMillis = 0;
        long passEvents = 0;
        boolean anyRow = false;
        for (SourceRow row = source.next(); row != null; row = source.next()) {
          if (stopRequested || Thread.currentThread().isInterrupted()) {
            run.stopped = true;
            break outer;
          }
          throwIfFailed(failure);
          if (row instanceof SourceRow.Valid valid) {
            LabelledEvent event = valid.event();
            long millis = event.getEventTime().toEpochMilli();
            long deadline = Long.MIN_VALUE;
            if (options.rate() > 0 && run.published > 0) {
              deadline = Pacer.dueAt(run.rateAnchor, run.published, options.rate());
            } else if (byEventTime && passEvents > 0) {
              deadline = passAnchor + (long) ((millis - firstEventMillis) * 1e6 / options.eventTimeSpeedup());
            }
            if (deadline != Long.MIN_VALUE && !await(pacer, deadline, run)) {
              run.stopped = true;
              break outer;
            }
            if (pass > 1) {
              event.setEventId(event.getEventId() + "#" + pass);
            }
            if (!names.isEmpty() && passEvents % NAMES_EVERY == 0) {
              event.setFeatureNames(names);
            }
            options.denseEncoding().apply(event);
            byte[] value = eventSerializer.serialize(eventsTopic, event);
            if (spread != null) {
              send(new ProducerRecord<>(eventsTopic, spread.next(), null, value), callback);
            } else {
              send(eventsTopic, valid.key() != null ? valid.key() : source.modelId(), value, callback);
            }
            if (run.published == 0) {
              run.rateAnchor = clock.nanoTime();
            }
            if (passEvents == 0) {
              passAnchor = clock.nanoTime();
              firstEventMillis = millis;
            }
            passEvents++;
            run.published++;
          } else {
            SourceRow.Rejected rejected = (SourceRow.Rejected) row;
            DeadLetter letter = deadLetter(source, rejected, wallClock);
            send(deadLetterTopic, source.modelId(), deadLetterSerializer.serialize(deadLetterTopic, letter), callback);
            run.rejected++;
            listener.onRejected(rejected);
          }
          anyRow = true;
          // a send that could not even begin (no metadata within max.block.ms) fails its callback at once:
          // report nothing as sent before saying so
          throwIfFailed(failure);
          run.maybeReport();
          if (limit > 0 && run.published >= limit) {
            break outer;
          }
        }
        if (!anyRow) {
          break;
        }
      }
    }
    try {
      producer.flush();
    } catch (RuntimeException e) {
      throw failed(e);
    }
    throwIfFailed(failure);
    IngestReport report = new IngestReport(run.published, run.rejected, (clock.nanoTime() - run.start) / 1e9,
        run.pass, run.stopped);
    listener.onFinish(report);
    return report;
  }

  private boolean await(Pacer pacer, long deadline, Run run) {
    try {
      pacer.awaitUntil(deadline, () -> {
        run.maybeReport();
        return !stopRequested;
      });
      return !stopRequested;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The dead letter for a rejected row: the source's origin as topic, partition -1, the line as offset. */
  static DeadLetter deadLetter(EventSource source, SourceRow.Rejected rejected, Clock wallClock) {
    return new DeadLetter(source.origin(), -1, rejected.line(), wallClock.instant(), source.modelId(),
        rejected.reason(), "ingest", null, ByteBuffer.wrap(rejected.original()));
  }

  private void send(String topic, String key, byte[] value, Callback callback) {
    send(new ProducerRecord<>(topic, key, value), callback);
  }

  private void send(ProducerRecord<String, byte[]> record, Callback callback) {
    try {
      producer.send(record, callback);
    } catch (RuntimeException e) {
      throw failed(e);
    }
  }

  private int partitionCount() {
    try {
      return producer.partitionsFor(eventsTopic).size();
    } catch (RuntimeException e) {
      throw failed(e);
    }
  }

  /**
   * The partitions in turn: a model's events spread evenly over all of them, in the order they come. Without a key
   * the producer's own partitioner would stick to one partition per batch, hundreds of records at a time.
   */
  private static final class Partitions {
    private final int count;
    private int next;

    Partitions(int count) {
      if (count < 1) {
        throw new PublishFailedException("the events topic has no partitions to spread over", null);
      }
      this.count = count;
    }

    int next() {
      int partition = next;
      next = (next + 1) % count;
      return partition;
    }
  }

  private static void throwIfFailed(AtomicReference<Exception> failure) {
    Exception e = failure.get();
    if (e != null) {
      throw failed(e);
    }
  }

  private static PublishFailedException failed(Exception e) {
    String message = e.getMessage();
    if (e instanceof org.apache.kafka.common.errors.TimeoutException) {
      message = "Kafka did not answer in time (is the broker reachable, does the topic exist?): " + message;
    }
    return new PublishFailedException(message == null ? e.getClass().getSimpleName() : message, e);
  }

  /** Asks a running {@link #publish} to end after the current row; it still flushes and reports. */
  public void stop() {
    stopRequested = true;
  }

  @Override
  public void close() {
    // bounded: with an unreachable broker an unbounded close would wait for every pending record
    producer.close(java.time.Duration.ofSeconds(5));
  }

  /** Counters of one publish, and the throttle on progress reports. */
  private final class Run {
    final long start;
    final ProgressListener listener;
    final long intervalNanos;
    long published;
    long rejected;
    int pass;
    boolean stopped;
    long lastReport;
    long publishedAtLastReport;
    /** When the first event went out: event i of a fixed rate is due {@code i / rate} after it. */
    long rateAnchor;

    Run(long start, ProgressListener listener, long intervalNanos) {
      this.start = start;
      this.listener = listener;
      this.intervalNanos = intervalNanos;
      this.lastReport = start;
    }

    void maybeReport() {
      long now = clock.nanoTime();
      if (now - lastReport < intervalNanos) {
        return;
      }
      double recent = (published - publishedAtLastReport) / ((now - lastReport) / 1e9);
      listener.onProgress(new IngestProgress(published, rejected, (now - start) / 1e9, recent, pass));
      lastReport = now;
      publishedAtLastReport = published;
    }
  }
}
