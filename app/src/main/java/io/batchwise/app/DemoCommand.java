package io.batchwise.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.batchwise.app.broker.EmbeddedKafkaBroker;
import io.batchwise.app.dashboard.Dashboard;
import io.batchwise.app.dashboard.MetricsFollower;
import io.batchwise.app.report.DemoReport;
import io.batchwise.app.report.MetricsRecorder;
import io.batchwise.app.report.RunSeries;
import io.batchwise.client.SnapshotFollower;
import io.batchwise.app.serve.ScoringServer;
import io.batchwise.app.serve.ServeConfig;
import io.batchwise.ingest.EventPublisher;
import io.batchwise.ingest.EventSource;
import io.batchwise.ingest.EventSources;
import io.batchwise.ingest.IngestReport;
import io.batchwise.ingest.PublishOptions;
import io.batchwise.ingest.SourceOptions;
import io.batchwise.ingest.SyntheticStreams;
import io.batchwise.client.SnapshotScorer;
import io.batchwise.learner.stream.LearnerConfig;
import io.batchwise.learner.stream.StreamingLearner;
import io.batchwise.schemas.ModelSnapshot;
import io.batchwise.schemas.TrainingMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Runs the whole pipeline once: (embedded) broker, topics, ingest, learner, snapshots; "
        + "shows a live dashboard (and scores) at http://127.0.0.1:8080/ while it runs, waits until every event has "
        + "been learned, prints a summary, writes a report and exits.")
final class DemoCommand implements Callable<Integer> {
  /** The dashboard's history per run: an hour of summaries, more than a demo takes. */
  private static final int DASHBOARD_POINTS = 3600;

  /** The dashboard's server, from the first run on. */
  private ScoringServer server;

  @Option(names = "--bootstrap", description = "Use this Kafka instead of starting an embedded broker (or env KAFKA_BOOTSTRAP_SERVERS).")
  String bootstrap;

  @Option(names = "--config", description = "Properties file with the Kafka client keys for --bootstrap (security.protocol, sasl.*, ssl.*, ...).")
  Path configFile;

  @Option(names = "--data", description = "A CSV file to learn from; default: a synthetic drifting stream.")
  Path data;

  @Option(names = "--label", defaultValue = "label", description = "Label column of --data (default: ${DEFAULT-VALUE}).")
  String label;

  @Option(names = "--synthetic", defaultValue = "hyperplane:d=10", description = "Synthetic stream when no --data is given (default: ${DEFAULT-VALUE}).")
  String synthetic;

  @Option(names = "--events", defaultValue = "20000", description = "Events of the synthetic stream (default: ${DEFAULT-VALUE}).")
  long events;

  @Option(names = "--model", description = "Model id (default: demo).")
  String modelId;

  @Option(names = "--model-spec", defaultValue = "logistic", description = "Model spec, e.g. logistic, mlp:128,64 (default: ${DEFAULT-VALUE}).")
  String modelSpec;

  @Option(names = "--optimizer", description = "Optimizer spec, e.g. sgd:0.1, adam:0.001 (default: the model's).")
  String optimizer;

  @Option(names = "--batch", defaultValue = "goodput", description = "Batching policy: goodput[:key=value,...], fixed:N or normtest[:key=value,...] (default: ${DEFAULT-VALUE}).")
  String batchPolicy;

  @Option(names = "--compare", description = "Also run the same stream with this policy (e.g. fixed:32) and report both side by side.")
  String comparePolicy;

  @Option(names = "--summary-json", description = "Also write the summary to this JSON file.")
  Path summaryJson;

  @Option(names = "--report", defaultValue = "report", description = "Folder for the HTML report, its charts and each run's metrics as CSV (default: ${DEFAULT-VALUE}).")
  Path reportDir;

  @Option(names = "--no-report", description = "Do not write the report.")
  boolean noReport;

  @Option(names = "--port", defaultValue = "8080",
      description = "Port of the live dashboard while the demo runs (another free one when it is taken; default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--no-dashboard", description = "Do not serve the live dashboard.")
  boolean noDashboard;

  @Option(names = "--timeout-s", defaultValue = "600", description = "Give up when not every event is learned after this long (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    if (data != null && !Files.isReadable(data)) {
      throw new IllegalArgumentException("cannot read --data " + data);
    }
    for (String policy : policies()) {  // fail before starting anything
      new LearnerConfig(learnerSettings(KafkaConnection.to("unused"), Path.of("unused"), policy, "")).validateSpecs();
    }
    Map<String, Object> flags = new HashMap<>();
    flags.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    Map<String, Object> settings = Settings.layered(configFile, System.getenv(), flags);
    EmbeddedKafkaBroker broker = null;
    KafkaConnection kafka;
    Path stateDir = Files.createTempDirectory("batchwise-demo-state-");
    Dashboard dashboard = noDashboard ? null : new Dashboard(DASHBOARD_POINTS);
    try {
      if (settings.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG) == null) {
        System.err.println("demo: starting an embedded Kafka broker...");
        broker = EmbeddedKafkaBroker.start();
        kafka = KafkaConnection.to(broker.bootstrapServers());
      } else {
        kafka = KafkaConnection.of(settings);
        kafka.requireReachable();
      }
      // on a shared broker, a fresh model id keeps earlier runs' events out of this run's count
      String model = modelId != null ? modelId : broker != null ? "demo" : "demo-" + UUID.randomUUID().toString().substring(0, 8);
      List<RunSeries> runs = new ArrayList<>();
      List<String> policies = policies();
      for (int i = 0; i < policies.size(); i++) {
        RunSeries run = run(kafka, broker == null, model, stateDir, policies.get(i), i == 0 ? "" : "-compare-" + i,
            dashboard, policies.size() > 1 ? RunSeries.label(policies.get(i)) : "");
        if (run == null) {
          return 1;
        }
        runs.add(run);
      }
      ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      Object summary = runs.size() == 1 ? runs.get(0).summary() : runs.stream().map(RunSeries::summary).toList();
      System.out.println(json.writeValueAsString(summary));
      if (summaryJson != null) {
        json.writeValue(summaryJson.toFile(), summary);
      }
      if (!noReport) {
        System.err.println("demo: report written to " + DemoReport.write(reportDir, runs));
      }
      return 0;
    } finally {
      if (server != null) {
        server.close();
      }
      if (broker != null) {
        broker.close();
      }
      deleteRecursively(stateDir);
    }
  }

  /** The dashboard's server, on --port or, where that is taken, on any free port. */
  private ScoringServer startDashboard(Dashboard dashboard) throws java.io.IOException {
    String topic = LearnerConfig.DEFINITION.defaultValues().get(LearnerConfig.SNAPSHOTS_TOPIC).toString();
    try {
      return ScoringServer.start(topic, new ServeConfig(Map.of(ServeConfig.PORT, port)), dashboard);
    } catch (java.io.IOException e) {
      return ScoringServer.start(topic, new ServeConfig(Map.of(ServeConfig.PORT, 0)), dashboard);
    }
  }

  private List<String> policies() {
    return comparePolicy == null ? List.of(batchPolicy) : List.of(batchPolicy, comparePolicy);
  }

  private Map<String, Object> learnerSettings(KafkaConnection kafka, Path stateDir, String policy, String topicSuffix) {
    Map<String, Object> settings = kafka.clientSettings();
    settings.put(StreamsConfig.APPLICATION_ID_CONFIG, "batchwise-demo-" + UUID.randomUUID());
    settings.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    settings.put(LearnerConfig.MODEL_SPEC, modelSpec);
    settings.put(LearnerConfig.OPTIMIZER, optimizer == null ? "" : optimizer);
    settings.put(LearnerConfig.BATCH_POLICY, policy);
    for (String key : List.of(LearnerConfig.EVENTS_TOPIC, LearnerConfig.SNAPSHOTS_TOPIC, LearnerConfig.METRICS_TOPIC,
        LearnerConfig.DEAD_LETTER_TOPIC)) {
      settings.put(key, LearnerConfig.DEFINITION.defaultValues().get(key) + topicSuffix);
    }
    return settings;
  }

  /**
   * One pass of the stream through the pipeline with one policy; null when it timed out. On a given cluster
   * ({@code checkAccess}) the ACLs are checked first.
   */
  private RunSeries run(KafkaConnection kafka, boolean checkAccess, String model, Path stateDir, String policy,
      String topicSuffix, Dashboard dashboard, String label) throws Exception {
    Map<String, Object> settings = learnerSettings(kafka, stateDir, policy, topicSuffix);
    LearnerConfig config = new LearnerConfig(settings);
    TopicSetup.ensureTopics(kafka, new TopicsConfig(settings).all(1));
    if (checkAccess) {
      String application = settings.get(StreamsConfig.APPLICATION_ID_CONFIG).toString();
      AccessCheck.require(kafka, CommandAccess.demo(config, application));
    }
    if (dashboard != null && server == null) {  // once Kafka answered: a failure is then the one line it prints
      server = startDashboard(dashboard);
      System.err.println("demo: live dashboard at " + server.uri() + " while it runs");
    }

    long start = System.nanoTime();
    AtomicReference<KafkaStreams.State> learnerState = new AtomicReference<>();
    ProgressLine progress = new ProgressLine(System.err);
    try (StreamingLearner learner = StreamingLearner.start(settings, (now, before) -> learnerState.set(now));
         MetricsFollower metricsFollower = new MetricsFollower(kafka.clientSettings(), config.metricsTopic());
         MetricsRecorder metrics = new MetricsRecorder(metricsFollower, model);
         SnapshotScorer follower = SnapshotScorer.follow(kafka.clientSettings(), config.snapshotsTopic(), s -> {
           if (s.getModelId().equals(model)) {
             TrainingMetrics latest = metrics.latest();
             progress.show(s, (System.nanoTime() - start) / 1e9,
                 latest == null || latest.getNoiseScale() == null ? Double.NaN : latest.getNoiseScale());
           }
         })) {
      if (dashboard != null) {
        dashboard.follow(label, follower::latest, metricsFollower);
        server.serve(follower);
      }
      metricsFollower.start();

      IngestReport report;
      try (EventPublisher publisher = new EventPublisher(kafka.clientSettings(), config.eventsTopic(),
          config.deadLetterTopic())) {
        report = publisher.publish(() -> openSource(model), PublishOptions.defaults(), null);
      }
      long expected = report.published();
      System.err.println("demo [" + policy + "]: published " + expected + " events (" + report.rejected()
          + " rejected rows), learning...");

      long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
      ModelSnapshot last = null;
      while (System.nanoTime() < deadline) {
        last = follower.latest(model).orElse(null);
        if (last != null && last.getExamplesSeen() >= expected) {
          break;
        }
        if (learnerState.get() == KafkaStreams.State.ERROR || learnerState.get() == KafkaStreams.State.NOT_RUNNING) {
          throw new IllegalStateException("the learner stopped (" + learnerState.get() + ")");
        }
        Thread.sleep(50);
      }
      double wallSeconds = (System.nanoTime() - start) / 1e9;
      progress.finish();
      if (last == null || last.getExamplesSeen() < expected) {
        System.err.println("demo: timed out after " + timeoutSeconds + " s: learned "
            + (last == null ? 0 : last.getExamplesSeen()) + " of " + expected + " events");
        return null;
      }
      return new RunSeries(policy, summary(report, last, wallSeconds),
          metrics.awaitExamples(expected, Duration.ofSeconds(10)));
    }
  }

  private EventSource openSource(String model) {
    if (data != null) {
      return EventSources.open(data, SourceOptions.builder().labelColumn(label).modelId(model).build());
    }
    return SyntheticStreams.create(syntheticSpec(), model, 42);
  }

  /** The synthetic spec with the event count of --events. */
  private String syntheticSpec() {
    return synthetic + (synthetic.contains(":") ? "," : ":") + "n=" + events;
  }

  /** The run's figures, then the last snapshot's own summary (the fields `snapshots --json` prints). */
  private Map<String, Object> summary(IngestReport report, ModelSnapshot last, double wallSeconds) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("source", data != null ? data.toString() : syntheticSpec());
    s.put("events", report.published());
    s.put("rejectedRows", report.rejected());
    s.put("snapshotVersion", last.getVersion());
    s.put("meanBatchSize", (double) last.getExamplesSeen() / Math.max(1, last.getUpdates()));
    s.put("wallSeconds", wallSeconds);
    s.put("eventsPerSecond", last.getExamplesSeen() / wallSeconds);
    s.putAll(SnapshotSummary.of(last));
    return s;
  }

  private static void deleteRecursively(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      // a leftover temp folder is not worth failing the demo
    }
  }
}
