package io.batchwise.app;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

import io.batchwise.client.SnapshotFollower;
import io.batchwise.learner.input.InputFormat;
import io.batchwise.learner.input.InputSpec;
import io.batchwise.app.monitoring.LearnerHttpConfig;
import io.batchwise.app.monitoring.LearnerStatusServer;
import io.batchwise.learner.stream.LearnerConfig;
import io.batchwise.learner.stream.StreamingLearner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "learn", mixinStandardHelpOptions = true,
    description = "Runs the Kafka Streams learner until stopped: events -> micro-batches -> model updates -> snapshots.")
final class LearnCommand implements Callable<Integer> {
  @Mixin
  KafkaOptions kafka;

  @Option(names = "--model-spec", description = "Model spec, e.g. logistic, linear, softmax:3, mlp:128,64 (default: logistic).")
  String modelSpec;

  @Option(names = "--optimizer", description = "Optimizer spec, e.g. sgd:0.1, adam:0.001 (default: the model's).")
  String optimizer;

  @Option(names = "--batch", description = "Batching policy: goodput[:key=value,...], fixed:N or normtest[:key=value,...] (default: goodput).")
  String batchPolicy;

  @Option(names = "--max-latency-ms", description = "Flush a batch when its oldest event waited this long (default: 500).")
  Long maxLatencyMillis;

  @Option(names = "--sync-period", paramLabel = "H",
      description = "For a model whose events are spread over partitions: updates a replica takes between two merges, adaptive or a number (sync.period; default adaptive).")
  String syncPeriod;

  @Option(names = "--input-format", paramLabel = "FORMAT",
      description = "What the events topic holds: avro (LabelledEvent, as ingest writes), json (an object a record) or csv (a line a record) (input.format; default avro).")
  String inputFormat;

  @Option(names = "--label", paramLabel = "FIELD", description = "json/csv: the label's field or column (input.label).")
  String label;

  @Option(names = "--features", paramLabel = "A,B,...",
      description = "json/csv: the feature fields or columns in order (input.features; default: every numeric JSON field, by name, or every CSV column but the label's and the model's).")
  String features;

  @Option(names = "--model-field", paramLabel = "FIELD", description = "json/csv: the field or column naming the model (input.model.field).")
  String modelField;

  @Option(names = "--model", paramLabel = "ID", description = "json/csv: the model of every record (input.model.id; without it or --model-field, the record's key).")
  String model;

  @Option(names = "--columns", paramLabel = "A,B,...", description = "csv: the columns' names in order, which name the features (input.csv.columns; default: 1, 2, ...).")
  String columns;

  @Option(names = "--application-id", description = "Kafka Streams application id; instances sharing it split the work (default: batchwise-learner).")
  String applicationId;

  @Option(names = "--state-dir", description = "Kafka Streams state folder (default: Kafka Streams' own).")
  Path stateDir;

  @Option(names = "--quiet", description = "No progress lines, only state changes and errors.")
  boolean quiet;

  @Option(names = "--progress-s", paramLabel = "SECONDS", defaultValue = "5",
      description = "Print a line per model whose snapshot changed this often (default: ${DEFAULT-VALUE}).")
  long progressSeconds;

  @Option(names = "--http-port", paramLabel = "PORT",
      description = "Answer GET /healthz, /readyz and /metrics (Prometheus) on this port; 0 picks a free one "
          + "(learn.http.port; default: none).")
  Integer httpPort;

  @Option(names = "--http-host", paramLabel = "ADDRESS",
      description = "Address of those endpoints (learn.http.host; default 127.0.0.1, loopback only; 0.0.0.0 for every interface).")
  String httpHost;

  @Option(names = "--partitions", defaultValue = "${env:BATCHWISE_PARTITIONS:-2}", description = "Partitions of topics this command creates when missing (env BATCHWISE_PARTITIONS; default: 2).")
  int partitions;

  /** "avro events", "json: label class, features a, b, model from field market". */
  private static String describe(InputSpec input) {
    if (input.format() == InputFormat.AVRO) {
      return "avro events";
    }
    return input.format().name().toLowerCase(java.util.Locale.ROOT) + ": label " + input.label() + ", features "
        + (input.features().isEmpty() ? (input.format() == InputFormat.JSON ? "every numeric field" : "every other column")
            : String.join(", ", input.features()))
        + ", model " + (!input.modelId().isEmpty() ? input.modelId()
            : !input.modelField().isEmpty() ? "from field " + input.modelField() : "from the key");
  }

  @Override
  public Integer call() throws InterruptedException, IOException {
    Map<String, Object> flags = new LinkedHashMap<>();
    flags.put(LearnerConfig.MODEL_SPEC, modelSpec);
    flags.put(LearnerConfig.OPTIMIZER, optimizer);
    flags.put(LearnerConfig.BATCH_POLICY, batchPolicy);
    flags.put(LearnerConfig.BATCH_MAX_LATENCY_MS, maxLatencyMillis);
    flags.put(LearnerConfig.SYNC_PERIOD, syncPeriod);
    flags.put(LearnerConfig.INPUT_FORMAT, inputFormat);
    flags.put(LearnerConfig.INPUT_LABEL, label);
    flags.put(LearnerConfig.INPUT_FEATURES, features);
    flags.put(LearnerConfig.INPUT_MODEL_FIELD, modelField);
    flags.put(LearnerConfig.INPUT_MODEL_ID, model);
    flags.put(LearnerConfig.INPUT_CSV_COLUMNS, columns);
    flags.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    flags.put(StreamsConfig.STATE_DIR_CONFIG, stateDir == null ? null : stateDir.toString());
    flags.put(LearnerHttpConfig.PORT, httpPort);
    flags.put(LearnerHttpConfig.HOST, httpHost);
    Map<String, Object> settings = kafka.settings(flags);
    LearnerConfig config = new LearnerConfig(settings);
    config.validateSpecs();
    LearnerHttpConfig http;
    try {
      http = new LearnerHttpConfig(settings);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage());  // wrong usage: exit code 2
    }
    // up before Kafka is: a health check sees a learner waiting for its broker, not a dead one
    LearnerStatusServer status = http.enabled() ? LearnerStatusServer.start(http) : null;
    if (status != null) {
      System.err.println("learner: health and metrics on " + status.uri() + " (healthz, readyz, metrics)");
    }
    try {
      return learn(settings, config, status);
    } finally {
      if (status != null) {
        status.close();
      }
    }
  }

  private int learn(Map<String, Object> settings, LearnerConfig config, LearnerStatusServer status)
      throws InterruptedException {
    KafkaConnection connection = kafka.connect(settings, true);
    TopicSetup.ensureTopics(connection, new TopicsConfig(settings).all(partitions));
    Object application = settings.getOrDefault(StreamsConfig.APPLICATION_ID_CONFIG,
        StreamingLearner.STREAMS_DEFAULTS.get(StreamsConfig.APPLICATION_ID_CONFIG));
    AccessCheck.require(connection, CommandAccess.learner(config, application.toString()));

    CountDownLatch stopped = new CountDownLatch(1);
    StreamingLearner learner = StreamingLearner.start(Settings.withoutSetupKeys(settings), (newState, oldState) -> {
      System.err.println("learner: " + oldState + " -> " + newState);
      if (newState == KafkaStreams.State.NOT_RUNNING || newState == KafkaStreams.State.ERROR) {
        stopped.countDown();
      }
    });
    if (status != null) {
      status.watch(learner);
    }
    LearnProgress progress = quiet ? null : LearnProgress.start(new SnapshotFollower(
        connection.clientSettings(), config.snapshotsTopic()), System.out,
        Duration.ofSeconds(Math.max(1, progressSeconds)));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (progress != null) {
        progress.close();
      }
      learner.close();
      stopped.countDown();
    }, "learner-shutdown"));
    System.err.println("learner: reading " + config.eventsTopic() + " (" + describe(config.input()) + ") from "
        + connection.bootstrapServers() + ", model " + config.modelSpec() + ", batch policy " + config.batchPolicy());
    stopped.await();
    return learner.state() == KafkaStreams.State.ERROR ? 1 : 0;
  }
}
