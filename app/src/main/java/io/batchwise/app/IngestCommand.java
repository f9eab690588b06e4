package io.batchwise.app;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;

import io.batchwise.ingest.CategoricalEncoding;
import io.batchwise.ingest.ConsoleProgress;
import io.batchwise.ingest.EventPublisher;
import io.batchwise.ingest.EventSource;
import io.batchwise.ingest.EventSources;
import io.batchwise.ingest.IngestReport;
import io.batchwise.ingest.Format;
import io.batchwise.ingest.LabelMapping;
import io.batchwise.ingest.MissingValuePolicy;
import io.batchwise.ingest.PublishFailedException;
import io.batchwise.ingest.DenseEncoding;
import io.batchwise.ingest.PublishOptions;
import io.batchwise.ingest.SourceOptions;
import io.batchwise.ingest.SyntheticStreams;
import io.batchwise.learner.stream.LearnerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code batchwise ingest}: publishes a file's rows, or a synthetic stream, as LabelledEvents. Exit codes: 0 done
 * (rejected rows do not fail it), 1 Kafka failed (unreachable broker, missing topic...), 2 wrong usage (missing
 * file, bad spec, unknown flag, no bootstrap servers). Errors are one line on stderr.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Publishes a file's rows (CSV, LibSVM, JSON Lines), or a synthetic stream, as LabelledEvents to the events "
            + "topic, keyed by model id (or spread over every partition with --spread, or keyed by a column with "
            + "--key; the model id is in every event either way). Rows that fail validation go to the dead-letter "
            + "topic with the reason and their line number, and are counted.",
        "Synthetic kinds: " + SyntheticStreams.KINDS + ", e.g. hyperplane:d=10,n=20000,drift=0.001.",
        "Settings: --config FILE (producer keys), then environment: KAFKA_BOOTSTRAP_SERVERS, BATCHWISE_INGEST_DATA, BATCHWISE_INGEST_SYNTHETIC, "
            + "BATCHWISE_INGEST_LABEL, BATCHWISE_INGEST_MODEL, BATCHWISE_INGEST_RATE, BATCHWISE_INGEST_LOOP, "
            + "BATCHWISE_EVENTS_TOPIC, BATCHWISE_DEAD_LETTER_TOPIC, the client security keys (BATCHWISE_SECURITY_PROTOCOL, "
            + "BATCHWISE_SASL_JAAS_CONFIG, ...); flags win. Waits up to broker.wait.ms for Kafka."})
final class IngestCommand implements Callable<Integer> {
  static final String DATA_ENV = "BATCHWISE_INGEST_DATA";
  static final String SYNTHETIC_ENV = "BATCHWISE_INGEST_SYNTHETIC";

  @Spec
  CommandSpec spec;

  /** Where unset flags are looked up; tests replace it. */
  Map<String, String> environment = System.getenv();

  @Option(names = "--bootstrap", paramLabel = "SERVERS",
      description = "Kafka bootstrap servers (default: env KAFKA_BOOTSTRAP_SERVERS).")
  String bootstrap;

  @Option(names = "--data", paramLabel = "FILE",
      description = "File to publish: .csv, .svm/.libsvm/.txt, .jsonl/.ndjson (optionally .gz). Env BATCHWISE_INGEST_DATA.")
  Path data;

  @Option(names = "--synthetic", paramLabel = "SPEC",
      description = "Synthetic stream instead of a file, kind[:key=value,...], e.g. hyperplane:d=10,n=20000. "
          + "Env BATCHWISE_INGEST_SYNTHETIC.")
  String synthetic;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "42", description = "Seed of the synthetic stream (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--label", paramLabel = "COLUMN", defaultValue = "${env:BATCHWISE_INGEST_LABEL:-label}",
      description = "Label column (CSV) or field (JSON Lines) (default: ${DEFAULT-VALUE}).")
  String label;

  @Option(names = "--model", paramLabel = "ID", defaultValue = "${env:BATCHWISE_INGEST_MODEL:-default}",
      description = "Model id of every event, and its key unless --spread or --key say otherwise (default: ${DEFAULT-VALUE}).")
  String modelId;

  @Option(names = "--spread",
      description = "Write the events to every partition of the events topic in turn, without a key, so that every "
          + "learner instance learns a share of this model (docs/DESIGN.md); by default all go to the model id's partition.")
  boolean spread;

  @Option(names = "--key", paramLabel = "COLUMN",
      description = "Key each record by this CSV column or JSON field (not a feature then), as your own producers may key "
          + "by a customer or device id: the model's events spread over the partitions by the key's hash.")
  String keyColumn;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "auto",
      description = "csv, libsvm, jsonl, or auto = by file extension (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--rate", paramLabel = "EVENTS_PER_S", defaultValue = "${env:BATCHWISE_INGEST_RATE:-0}",
      description = "Publish at this many events/s; 0 = as fast as possible, or the arrival pattern of a bursts "
          + "stream (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--speedup", paramLabel = "FACTOR", defaultValue = "1",
      description = "Replay a bursts stream's event times this much faster than real time (default: ${DEFAULT-VALUE}).")
  double speedup;

  @Option(names = "--loop", paramLabel = "N", arity = "0..1", fallbackValue = "forever",
      defaultValue = "${env:BATCHWISE_INGEST_LOOP:-1}",
      description = "Replay the source: --loop alone forever (until Ctrl-C), --loop N for N passes (default: 1 pass).")
  String loop;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
      description = "Stop after N published events; 0 = no limit (default: ${DEFAULT-VALUE}).")
  long limit;

  @Option(names = "--events-topic", paramLabel = "TOPIC", defaultValue = "${env:BATCHWISE_EVENTS_TOPIC:-events}",
      description = "Events topic (default: ${DEFAULT-VALUE}).")
  String eventsTopic;

  @Option(names = "--dlq-topic", paramLabel = "TOPIC", defaultValue = "${env:BATCHWISE_DEAD_LETTER_TOPIC:-events-dlq}",
      description = "Dead-letter topic (default: ${DEFAULT-VALUE}).")
  String deadLetterTopic;

  @Option(names = "--partitions", paramLabel = "N", defaultValue = "${env:BATCHWISE_PARTITIONS:-2}",
      description = "Partitions of the events and dead-letter topics when this command creates them (env "
          + "BATCHWISE_PARTITIONS; default: 2).")
  int partitions;

  @Option(names = "--categorical", paramLabel = "COLUMNS", split = ",",
      description = "CSV columns to treat as categorical (default: inferred, a column whose values are mostly not numbers).")
  List<String> categorical;

  @Option(names = "--categorical-encoding", paramLabel = "ENCODING", defaultValue = "one-hot",
      description = "one-hot or hashed (default: ${DEFAULT-VALUE}).")
  String categoricalEncoding;

  @Option(names = "--hash-dimension", paramLabel = "N", defaultValue = "1024",
      description = "Buckets of --categorical-encoding hashed (default: ${DEFAULT-VALUE}).")
  int hashDimension;

  @Option(names = "--missing", paramLabel = "POLICY", defaultValue = "reject",
      description = "Missing feature values: reject (the row), zero, or mean (of the column) (default: ${DEFAULT-VALUE}).")
  String missing;

  @Option(names = "--label-mapping", paramLabel = "MAPPING", defaultValue = "auto",
      description = "auto (labels exactly -1/+1 become 0/1), as-is, or sign (>0 is 1) (default: ${DEFAULT-VALUE}).")
  String labelMapping;

  @Option(names = "--positive-label", paramLabel = "TEXT",
      description = "Binary labels from text: this value is 1, any other 0 (e.g. UP).")
  String positiveLabel;

  @Option(names = "--delimiter", paramLabel = "CHAR", defaultValue = ",", description = "CSV field separator (default: ${DEFAULT-VALUE}).")
  char delimiter;

  @Option(names = "--feature-count", paramLabel = "N", defaultValue = "0",
      description = "LibSVM vector size / JSON array length; 0 = from the file (default: ${DEFAULT-VALUE}).")
  int featureCount;

  @Option(names = "--dense-encoding", paramLabel = "ENCODING", defaultValue = "float64",
      description = "How dense features are written: float64 or float32 (packed little-endian bytes, decoded without "
          + "an object per value) or array (an Avro array of doubles) (default: ${DEFAULT-VALUE}).")
  String denseEncoding;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Properties file: Kafka producer keys (bootstrap.servers, security.protocol, sasl.*, ssl.*, ...) "
          + "and the topic and start-up keys (see README); learner keys of a shared file are ignored. Env and flags "
          + "override it.")
  Path configFile;

  @Option(names = "--producer-property", paramLabel = "KEY=VALUE",
      description = "Extra Kafka producer setting (repeatable), e.g. compression.type=zstd or security settings.")
  Map<String, String> producerProperties = new HashMap<>();

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    String name = spec.qualifiedName();
    Map<String, Object> settings;
    TopicsConfig topics;
    Duration brokerWait;
    try {
      settings = settings();
      topics = new TopicsConfig(settings);
      brokerWait = KafkaConnection.brokerWait(settings);
    } catch (IllegalArgumentException | ConfigException e) {
      err.println(name + ": " + Main.oneLine(e));
      return 2;
    }
    Object servers = settings.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
    if (servers == null || servers.toString().isBlank()) {
      err.println(name + ": no Kafka bootstrap servers: pass --bootstrap or set " + Settings.BOOTSTRAP_ENV);
      return 2;
    }
    Supplier<EventSource> sources;
    EventSource first;
    PublishOptions publishOptions;
    try {
      if (spread && keyColumn != null) {
        throw new IllegalArgumentException("give either --spread or --key, not both");
      }
      sources = sources();
      publishOptions = PublishOptions.builder().rate(rate).loops(loops(loop)).limit(limit).eventTimeSpeedup(speedup)
          .denseEncoding(DenseEncoding.parse(denseEncoding)).spread(spread).build();
      first = sources.get();
    } catch (IllegalArgumentException | UncheckedIOException e) {
      err.println(name + ": " + Main.oneLine(e));
      return 2;
    }
    try {
      KafkaConnection connection = KafkaConnection.of(settings);
      connection.awaitBroker(brokerWait, line -> {
        err.println(name + ": " + line);
        err.flush();
      });
      TopicSetup.ensureTopics(connection, List.of(topics.events(partitions), topics.deadLetters(partitions)));
      AccessCheck.require(connection, CommandAccess.ingest(eventsTopic, deadLetterTopic));
    } catch (IllegalStateException e) {
      first.close();
      err.println(name + ": " + Main.oneLine(e));
      return 1;
    }
    EventPublisher publisher;
    try {
      publisher = new EventPublisher(producerSettings(settings), eventsTopic, deadLetterTopic);
    } catch (KafkaException e) {
      first.close();
      err.println(name + ": cannot create a Kafka producer for " + servers + ": " + Main.oneLine(rootCause(e)));
      return 2;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("ingest: " + first.description() + " -> " + eventsTopic + " at " + servers);
    out.flush();
    boolean[] handedOut = {false};
    Supplier<EventSource> passes = () -> {
      if (!handedOut[0]) {
        handedOut[0] = true;
        return first;
      }
      return sources.get();
    };
    CountDownLatch finished = new CountDownLatch(1);
    // Ctrl-C: stop after the current row, flush what was sent, print the summary, then let the JVM exit
    Thread onInterrupt = new Thread(() -> {
      publisher.stop();
      try {
        finished.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "ingest-shutdown");
    Runtime.getRuntime().addShutdownHook(onInterrupt);
    try (publisher) {
      IngestReport report = publisher.publish(passes, publishOptions,
          new ConsoleProgress(out, System.console() != null, 5.0));
      if (report.rejected() > 0) {
        out.println("ingest: every rejected row is on " + deadLetterTopic + " with its reason and its bytes: "
            + "batchwise dead-letters --bootstrap " + servers + " --model " + modelId);
      }
      return 0;
    } catch (PublishFailedException e) {
      err.println(name + ": cannot publish to Kafka at " + servers + ": " + Main.oneLine(e));
      return 1;
    } catch (UncheckedIOException e) {
      err.println(name + ": " + Main.oneLine(e));
      return 1;
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(onInterrupt);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it is waiting for the latch released above
      }
    }
  }

  /**
   * The --config file, then the environment (KAFKA_BOOTSTRAP_SERVERS, the client security keys, batchwise's
   * keys), then --bootstrap and the topic flags, then --producer-property.
   */
  private Map<String, Object> settings() {
    Map<String, Object> flags = new HashMap<>();
    flags.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    flags.put(LearnerConfig.EVENTS_TOPIC, eventsTopic);
    flags.put(LearnerConfig.DEAD_LETTER_TOPIC, deadLetterTopic);
    Map<String, Object> settings = Settings.layered(configFile, environment, flags);
    settings.putAll(producerProperties);
    return settings;
  }

  /** The producer keys of {@code settings}; the others (learner keys of a shared file) are not the producer's. */
  private static Map<String, Object> producerSettings(Map<String, Object> settings) {
    Map<String, Object> producer = new HashMap<>(settings);
    producer.keySet().retainAll(ProducerConfig.configNames());
    return producer;
  }

  private Supplier<EventSource> sources() {
    Path file = data;
    String spec = synthetic;
    if (file == null && spec == null) {
      String envData = environment.get(DATA_ENV);
      String envSynthetic = environment.get(SYNTHETIC_ENV);
      file = envData == null || envData.isBlank() ? null : Path.of(envData);
      spec = envSynthetic == null || envSynthetic.isBlank() ? null : envSynthetic;
    }
    if (file != null && spec != null) {
      throw new IllegalArgumentException("give either --data or --synthetic, not both");
    }
    if (file == null && spec == null) {
      throw new IllegalArgumentException("nothing to publish: give --data FILE or --synthetic SPEC");
    }
    if (spec != null) {
      if (keyColumn != null) {
        throw new IllegalArgumentException("--key needs a CSV or JSON Lines file: a synthetic stream has no columns; "
            + "use --spread");
      }
      String chosen = spec;
      return () -> SyntheticStreams.create(chosen, modelId, seed);
    }
    SourceOptions options = SourceOptions.builder()
        .format(Format.parse(format))
        .modelId(modelId)
        .labelColumn(label)
        .delimiter(delimiter)
        .categorical(choice(CategoricalEncoding.class, "--categorical-encoding", categoricalEncoding))
        .categoricalColumns(categorical == null ? java.util.Set.of() : new LinkedHashSet<>(categorical))
        .hashDimension(hashDimension)
        .missingValues(choice(MissingValuePolicy.class, "--missing", missing))
        .labelMapping(choice(LabelMapping.class, "--label-mapping", labelMapping))
        .positiveLabel(positiveLabel)
        .featureCount(featureCount)
        .keyColumn(keyColumn)
        .build();
    Path chosen = file;
    return () -> EventSources.open(chosen, options);
  }

  /** Passes: "forever", "true" or 0 = endless; "false" = 1; else the number. */
  static int loops(String text) {
    String value = text == null ? "1" : text.trim().toLowerCase(Locale.ROOT);
    switch (value) {
      case "forever":
      case "true":
        return 0;
      case "false":
        return 1;
      default:
        try {
          int n = Integer.parseInt(value);
          if (n < 0) {
            throw new NumberFormatException();
          }
          return n;
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("--loop takes a number of passes (0 or nothing = forever), got '" + text + "'");
        }
    }
  }

  /** An enum constant from a flag value like {@code one-hot} or {@code as-is}, any case. */
  static <E extends Enum<E>> E choice(Class<E> type, String flag, String text) {
    String constant = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E value : type.getEnumConstants()) {
      if (value.name().equals(constant)) {
        return value;
      }
    }
    throw new IllegalArgumentException(flag + " must be one of " + Arrays.stream(type.getEnumConstants())
        .map(v -> v.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList() + ", got '" + text + "'");
  }

  private static Throwable rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }
}
