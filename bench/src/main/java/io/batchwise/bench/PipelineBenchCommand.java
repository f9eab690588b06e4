package io.batchwise.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.GroupState;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.batchwise.app.Settings;
import io.batchwise.app.TopicSetup;
import io.batchwise.app.broker.EmbeddedKafkaBroker;
import io.batchwise.app.report.MetricsRecorder;
import io.batchwise.client.SnapshotFollower;
import io.batchwise.ingest.DenseEncoding;
import io.batchwise.learner.model.ModelFactory;
import io.batchwise.learner.model.OnlineModel;
import io.batchwise.learner.stream.LearnerConfig;
import io.batchwise.policy.BatchingPolicies;
import io.batchwise.schemas.ModelSnapshot;
import io.batchwise.schemas.TrainingMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The batching policies in the real pipeline: each scenario's stream published to Kafka and learned by
 * {@code batchwise learn} in a JVM of its own, under each policy, as a replay (the topic filled before the
 * learner starts) and at a steady rate below capacity (published while it learns). Per cell: the prequential
 * log loss, the time from the learner's first event (replay) or the first append (rate) to the snapshot that
 * includes the last event, the staleness of the events (append to the first snapshot with them). Beside each
 * cell, the virtual clock's prediction of it ({@link VirtualClockRun}, the same learning loop), charged the
 * stream's costs measured in the scenario's fixed:1 replay.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
    description = "Batching policies through Kafka (learn in its own JVM): loss, time to the last event and staleness "
        + "per scenario, replay and steady rate, beside the virtual clock's prediction.")
public final class PipelineBenchCommand implements Callable<Integer> {
  private static final String MODEL = "bench";
  /** The key prefix of a profiled run's milliseconds of the stream thread in one category. */
  static final String PROFILE_PREFIX = "millis: ";

  @Option(names = "--bootstrap", description = "Kafka to use; default: an embedded broker.")
  String bootstrap;

  @Option(names = "--scenarios", split = ",", description = "elec, drift, noisy, mlp (default: elec,drift,mlp).")
  List<String> scenarios = List.of("elec", "drift", "mlp");

  @Option(names = "--patterns", split = ",", description = "replay, rate (default: both).")
  List<String> patterns = List.of("replay", "rate");

  @Option(names = "--policies", split = ";", description = "Policy specs, ';'-separated (default: goodput;fixed:1;fixed:8;fixed:32;fixed:128).")
  List<String> policies = List.of("goodput", "fixed:1", "fixed:8", "fixed:32", "fixed:128");

  @Option(names = "--repeats", defaultValue = "3", description = "Runs per cell; medians reported (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--rates", split = ",", description = "scenario=events/s of the rate pattern (default: elec=2000,drift=10000,noisy=10000,mlp=2000).")
  Map<String, Double> rates = new LinkedHashMap<>(Map.of("elec", 2000.0, "drift", 10000.0, "noisy", 10000.0, "mlp", 2000.0));

  @Option(names = "--snapshot-interval-ms", defaultValue = "200", description = "The learners' snapshot.interval.ms: how finely the time to the last event is resolved (default: ${DEFAULT-VALUE}).")
  long snapshotIntervalMillis;

  @Option(names = "--data", description = "elec.csv (default: shared/data/elec.csv found walking up from the working directory).")
  Path elecCsv;

  @Option(names = "--timeout-s", defaultValue = "600", description = "Give up on one run after this long (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(names = "--json", description = "Write every run and the medians to this JSON file.")
  Path json;

  @Option(names = "--keep", description = "Keep the learners' logs (and flight recordings) in this folder.")
  Path keep;

  @Option(names = "--profile", description = "Record every learner with Java Flight Recorder and report, per cell, its "
      + "stream thread's sampled time by category and the JIT compiler's time, from the first event to the last snapshot.")
  boolean profile;

  /** One learner run through Kafka. */
  record Measured(String scenario, String pattern, String policy, int repeat, long events, double logLoss,
      double meanBatchSize, double secondsToLastEvent, double meanStalenessMillis, long p99StalenessMillis,
      double eventsPerSecond, double stepSeconds, double processorEventSeconds, double publishSeconds,
      List<TrainingMetrics> summaries, ThreadProfile profile) {
  }

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec command;

  @Override
  public Integer call() throws Exception {
    if (repeats < 1) {
      throw new IllegalArgumentException("--repeats must be at least 1");
    }
    PolicyScenarios workloads = new PolicyScenarios(elecCsv);
    List<PolicyScenario> chosen = scenarios.stream().map(workloads::named).toList();
    for (String pattern : patterns) {
      if (!pattern.equals("replay") && !pattern.equals("rate")) {
        throw new IllegalArgumentException("unknown pattern '" + pattern + "' (known: replay, rate)");
      }
    }
    EmbeddedKafkaBroker broker = bootstrap == null ? EmbeddedKafkaBroker.start() : null;
    String servers = broker != null ? broker.bootstrapServers() : bootstrap;
    Path work = keep != null ? Files.createDirectories(keep) : Files.createTempDirectory("batchwise-bench-pipeline-");
    List<Map<String, Object>> rows = new ArrayList<>();
    try {
      for (PolicyScenario scenario : chosen) {
        for (int r = 0; r < repeats; r++) {
          BenchStream stream = scenario.streams().apply(r);
          List<Measured> measured = new ArrayList<>();
          for (String pattern : patterns) {
            for (String policy : policies) {
              measured.add(run(servers, work, scenario, stream, pattern, policy, r));
            }
          }
          StreamCosts costs = calibrate(measured);
          for (Measured real : measured) {
            PolicyRunResult predicted = costs == null ? null : predict(scenario, stream, real.pattern(), real.policy(), costs);
            rows.add(row(real, predicted));
            System.err.println(line(rows.get(rows.size() - 1)));
          }
        }
      }
      Map<String, Object> results = new LinkedHashMap<>();
      results.put("run", BenchRun.describe("pipeline", command.commandLine().getParseResult().originalArgs()));
      results.put("policies", policies);
      results.put("repeats", repeats);
      results.put("snapshotIntervalMillis", snapshotIntervalMillis);
      results.put("rates", rates);
      results.put("medians", medians(rows));
      results.put("runs", rows);
      ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      System.out.println(mapper.writeValueAsString(results.get("medians")));
      if (json != null) {
        mapper.writeValue(json.toFile(), results);
      }
      return 0;
    } finally {
      if (broker != null) {
        broker.close();
      }
      if (keep == null) {
        try (var paths = Files.walk(work)) {
          paths.sorted(Collections.reverseOrder()).forEach(path -> path.toFile().delete());
        }
      }
    }
  }

  private Measured run(String servers, Path work, PolicyScenario scenario, BenchStream stream, String pattern,
      String policy, int r) throws Exception {
    String app = "pipe-" + scenario.name() + "-" + pattern + "-" + policy.replaceAll("[^A-Za-z0-9]", "") + "-" + r + "-"
        + System.nanoTime();
    String topic = app + "-events";
    Map<String, String> topics = Map.of(LearnerConfig.EVENTS_TOPIC, topic, LearnerConfig.SNAPSHOTS_TOPIC, app + "-snapshots",
        LearnerConfig.METRICS_TOPIC, app + "-metrics", LearnerConfig.DEAD_LETTER_TOPIC, app + "-dlq");
    // all four before the learner starts: the snapshot follower below must find its topic
    TopicSetup.ensureTopics(servers, new LearnerConfig(topics), 1);
    Map<String, String> env = new LinkedHashMap<>();
    topics.forEach((key, name) -> env.put(Settings.environmentName(key), name));
    env.put(Settings.environmentName(LearnerConfig.SNAPSHOT_INTERVAL_MS), Long.toString(snapshotIntervalMillis));
    long n = stream.size();
    long[] appended = null;
    if (pattern.equals("replay")) {
      appended = BenchTopics.publish(servers, topic, stream, MODEL, DenseEncoding.FLOAT64, 0);
    }
    List<long[]> snapshots = Collections.synchronizedList(new ArrayList<>());
    ModelSnapshot[] last = new ModelSnapshot[1];
    List<TrainingMetrics> summaries;
    OptionalLong replayRate = OptionalLong.empty();
    List<String> args = List.of("learn", "--bootstrap", servers, "--application-id", app, "--state-dir",
        work.resolve(app).toString(), "--batch", policy, "--model-spec", scenario.modelSpec(), "--partitions", "1");
    Path recording = work.resolve(app + ".jfr");
    List<String> jvmOptions = profile ? ThreadProfile.recordingOptions(recording) : List.of();
    try (ChildJvm learner = ChildJvm.start("io.batchwise.app.Main", args, jvmOptions, env, work.resolve(app + ".log"));
         SnapshotFollower follower = new SnapshotFollower(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers),
             app + "-snapshots")) {
      follower.onSnapshot(s -> {
        snapshots.add(new long[] {s.getExamplesSeen(), s.getCreatedAt().toEpochMilli()});
        last[0] = s;
      }).start();
      if (pattern.equals("replay")) {
        replayRate = BenchTopics.followGroup(servers, app, topic, n, timeoutSeconds, learner::alive);
      } else {
        awaitStable(servers, app, learner);
        appended = BenchTopics.publish(servers, topic, stream, MODEL, DenseEncoding.FLOAT64, rates.get(scenario.name()));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
      while ((last[0] == null || last[0].getExamplesSeen() < n) && System.nanoTime() < deadline && learner.alive()) {
        Thread.sleep(20);
      }
      if (last[0] == null || last[0].getExamplesSeen() < n) {
        throw new IllegalStateException("the learner of " + app + " did not learn every event; see its log");
      }
      try (MetricsRecorder recorder = new MetricsRecorder(Map.of("bootstrap.servers", servers), app + "-metrics", MODEL)) {
        summaries = recorder.awaitExamples(n, java.time.Duration.ofSeconds(30));
      }
    }
    long[] stale = Staleness.perEvent(appended, new ArrayList<>(snapshots));
    long lastSnapshot = snapshots.stream().filter(s -> s[0] >= n).mapToLong(s -> s[1]).min().orElseThrow();
    // a replay counts from the learner's first event (its first summary starts there, at any batch size), so that a
    // large batch's first fill and the stream's start-up stalls meanwhile count as they do at B = 1
    long origin = pattern.equals("replay") ? summaries.get(0).getIntervalStart().toEpochMilli() : appended[0];
    double steps = summaries.stream().mapToDouble(TrainingMetrics::getStepSeconds).sum();
    double updateCosts = summaries.stream().mapToDouble(TrainingMetrics::getUpdateSeconds).sum();
    double publish = summaries.stream().skip(1).mapToDouble(TrainingMetrics::getPublishSeconds).average().orElse(0);
    ThreadProfile threadProfile = profile ? ThreadProfile.read(recording, Pattern.quote(app) + ".*-StreamThread-\\d+",
        Instant.ofEpochMilli(origin), Instant.ofEpochMilli(lastSnapshot)) : null;
    return new Measured(scenario.name(), pattern, policy, r, n, last[0].getMetrics().getLogLoss(),
        (double) last[0].getExamplesSeen() / last[0].getUpdates(), (lastSnapshot - origin) / 1000.0,
        Arrays.stream(stale).average().orElse(Double.NaN), Statistics.percentile(stale, 99),
        replayRate.isPresent() ? replayRate.getAsLong() : Double.NaN, steps, Math.max(0, updateCosts - steps) / n, publish,
        summaries, threadProfile);
  }

  /**
   * The stream's costs outside the learning steps, from two replays of the scenario, fixed:1 and the largest
   * fixed size B measured: per event e and per update u solve w_1 - s_1 = e + u and w_B - s_B = e + u / B, with w
   * the wall time per event and s the steps' time per event. Null without both replays.
   */
  private StreamCosts calibrate(List<Measured> measured) {
    Measured one = null;
    Measured large = null;
    int largest = 1;
    for (Measured m : measured) {
      if (!m.pattern().equals("replay") || !m.policy().startsWith("fixed:")) {
        continue;
      }
      int b = Integer.parseInt(m.policy().substring("fixed:".length()));
      if (b == 1) {
        one = m;
      } else if (b > largest) {
        largest = b;
        large = m;
      }
    }
    if (one == null || large == null) {
      return null;
    }
    double overheadOne = 1 / one.eventsPerSecond() - one.stepSeconds() / one.events();
    double overheadLarge = 1 / large.eventsPerSecond() - large.stepSeconds() / large.events();
    double perUpdate = Math.max(0, (overheadOne - overheadLarge) * largest / (largest - 1));
    double perEvent = Math.max(0, overheadOne - perUpdate);
    return new StreamCosts(perEvent, one.processorEventSeconds(), perUpdate, one.publishSeconds(),
        snapshotIntervalMillis, 50);
  }

  /** Waits until the learner's consumer group has its member, so that a steady rate is not a backlog at first. */
  private void awaitStable(String servers, String group, ChildJvm learner) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
      while (System.nanoTime() < deadline && learner.alive()) {
        try {
          var description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
          if (description.groupState() == GroupState.STABLE && !description.members().isEmpty()) {
            Thread.sleep(1000);  // the task's initialization: its stores and its first fetch
            return;
          }
        } catch (java.util.concurrent.ExecutionException e) {
          if (!(e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException)) {
            throw e;
          }
        }
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("the learner " + group + " did not join its group");
  }

  private PolicyRunResult predict(PolicyScenario scenario, BenchStream stream, String pattern, String policy,
      StreamCosts costs) {
    double[] arrivals = pattern.equals("replay") ? ArrivalPattern.REPLAY.arrivalTimes(stream.size(), 1)
        : ArrivalPattern.STEADY.arrivalTimes(stream.size(), rates.get(scenario.name()));
    OnlineModel model = ModelFactory.create(scenario.modelSpec(), stream.featureCount());
    return new VirtualClockRun(2000, costs).run(scenario.name(), stream, arrivals, pattern, model,
        BatchingPolicies.parse(policy, 500, model.exportState().optimizerSpec()), policy, 0);
  }

  private static Map<String, Object> row(Measured real, PolicyRunResult predicted) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("scenario", real.scenario());
    row.put("pattern", real.pattern());
    row.put("policy", real.policy());
    row.put("repeat", real.repeat());
    row.put("logLoss", real.logLoss());
    row.put("secondsToLastEvent", real.secondsToLastEvent());
    row.put("meanStalenessMillis", real.meanStalenessMillis());
    row.put("p99StalenessMillis", (double) real.p99StalenessMillis());
    row.put("meanBatchSize", real.meanBatchSize());
    row.put("replayEventsPerSecond", real.eventsPerSecond());
    row.put("streamSecondsPerEvent", Double.isFinite(real.eventsPerSecond())
        ? 1 / real.eventsPerSecond() - real.stepSeconds() / real.events() : Double.NaN);
    row.put("publishSeconds", real.publishSeconds());
    // the batch sizes over the run, interval by interval: examples seen, then the smallest, mean and largest batch
    row.put("batchSizes", real.summaries().stream().map(m -> String.format(Locale.ROOT, "%d:%d/%.1f/%d", m.getExamplesSeen(),
        m.getBatchSizeMin(), (double) m.getExamples() / Math.max(1, m.getUpdates()), m.getBatchSizeMax())).toList());
    if (real.profile() != null) {
      // one sample a millisecond: a category's samples are about its milliseconds of the stream thread
      row.put("sampledMillis", (double) real.profile().total());
      Map<String, Long> samples = real.profile().samples();
      for (String category : ThreadProfile.categories()) {
        row.put(PROFILE_PREFIX + category, (double) samples.getOrDefault(category, 0L));
      }
      row.put("compilingSeconds", real.profile().compilingSeconds());
    }
    if (predicted != null) {
      row.put("predictedLogLoss", predicted.meanLoss());
      row.put("predictedSecondsToLastEvent", predicted.lastSnapshotSeconds());
      row.put("predictedMeanStalenessMillis", predicted.meanStalenessMillis());
      row.put("predictedMeanBatchSize", predicted.meanBatchSize());
    }
    return row;
  }

  private static String line(Map<String, Object> row) {
    return String.format(Locale.ROOT, "%s %s %s #%s: loss %.4f (predicted %s), to last event %.2f s (%s), mean B %.1f (%s)",
        row.get("scenario"), row.get("pattern"), row.get("policy"), row.get("repeat"), row.get("logLoss"),
        format(row.get("predictedLogLoss"), "%.4f"), row.get("secondsToLastEvent"),
        format(row.get("predictedSecondsToLastEvent"), "%.2f s"), row.get("meanBatchSize"),
        format(row.get("predictedMeanBatchSize"), "%.1f"));
  }

  private static String format(Object value, String pattern) {
    return value instanceof Double d ? String.format(Locale.ROOT, pattern, d) : "-";
  }

  /** Per scenario, pattern and policy, the median of every measure over the repeats. */
  static List<Map<String, Object>> medians(List<Map<String, Object>> rows) {
    Map<String, List<Map<String, Object>>> cells = new LinkedHashMap<>();
    for (Map<String, Object> row : rows) {
      cells.computeIfAbsent(row.get("scenario") + "/" + row.get("pattern") + "/" + row.get("policy"), k -> new ArrayList<>())
          .add(row);
    }
    List<Map<String, Object>> medians = new ArrayList<>();
    for (List<Map<String, Object>> cell : cells.values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("scenario", cell.get(0).get("scenario"));
      m.put("pattern", cell.get(0).get("pattern"));
      m.put("policy", cell.get(0).get("policy"));
      m.put("runs", cell.size());
      for (String key : cell.get(0).keySet()) {
        if (cell.get(0).get(key) instanceof Double) {
          m.put(key, Statistics.median(cell.stream().map(r -> (Double) r.get(key)).filter(v -> !v.isNaN()).toList()));
        }
      }
      medians.add(m);
    }
    return medians;
  }
}
