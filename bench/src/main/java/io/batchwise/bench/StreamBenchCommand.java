package io.batchwise.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.batchwise.app.Settings;
import io.batchwise.app.TopicSetup;
import io.batchwise.app.broker.EmbeddedKafkaBroker;
import io.batchwise.client.SnapshotFollower;
import io.batchwise.ingest.DenseEncoding;
import io.batchwise.learner.stream.LearnerConfig;
import io.batchwise.learner.stream.StreamingLearner;
import io.batchwise.schemas.ModelSnapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The stream's throughput in one run on one broker: on the same pre-filled topic, Apache Kafka's own
 * ConsumerPerformance, a pass-through Kafka Streams app and the learner under each policy, each in a JVM of
 * its own, the learner's rate against the two. With {@code --profile}, where the learner's stream thread spends
 * its time (a flight recording of its last run). Then the snapshot staleness of the learner at a steady rate.
 */
@Command(name = "stream", mixinStandardHelpOptions = true,
    description = "Events/s of the learner against Kafka's ConsumerPerformance and a pass-through Kafka Streams app "
        + "on the same pre-filled topic, each in its own JVM; the stream thread's time by category (--profile); "
        + "snapshot staleness at a steady rate.")
public final class StreamBenchCommand implements Callable<Integer> {
  private static final String MODEL = "bench";

  @Option(names = "--bootstrap", description = "Kafka to use; default: an embedded broker.")
  String bootstrap;

  @Option(names = "--events", defaultValue = "300000", description = "Events in the topic (default: ${DEFAULT-VALUE}).")
  int events;

  @Option(names = "--source", defaultValue = "separable:d=10",
      description = "The events: separable:d=D (a noisy linear concept) or image:classes=K (784 pixels) (default: ${DEFAULT-VALUE}).")
  String source;

  @Option(names = "--model-spec", defaultValue = "logistic", description = "The learner's model (default: ${DEFAULT-VALUE}).")
  String modelSpec;

  @Option(names = "--batch", defaultValue = "goodput;fixed:1",
      description = "The learner's batching policies, ';'-separated, each measured (default: ${DEFAULT-VALUE}).")
  String policies;

  @Option(names = "--dense-encoding", defaultValue = "float64", description = "float64, float32 or array (default: ${DEFAULT-VALUE}).")
  String denseEncoding;

  @Option(names = "--learner-config", description = "A properties file for the learner (learner, Kafka Streams and client keys).")
  Path learnerConfig;

  @Option(names = "--repeats", defaultValue = "3", description = "Runs of every consumer, alternating; medians reported (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--profile", description = "Record the learner's last run of each policy and report its stream thread's time by category.")
  boolean profile;

  @Option(names = "--rate", defaultValue = "20000", description = "Events/s of the staleness run (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(names = "--staleness-seconds", defaultValue = "20", description = "Length of the staleness run; 0 skips it (default: ${DEFAULT-VALUE}).")
  int stalenessSeconds;

  @Option(names = "--timeout-s", defaultValue = "900", description = "Give up on one consumer after this long (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(names = "--json", description = "Write the results to this JSON file.")
  Path json;

  @Option(names = "--keep", description = "Keep every consumer's log and flight recording in this folder (default: a temporary one, deleted).")
  Path keep;

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec command;

  @Override
  public Integer call() throws Exception {
    if (repeats < 1 || events < 1000) {
      throw new IllegalArgumentException("--repeats must be at least 1 and --events at least 1000");
    }
    BenchStream stream = BenchSources.open(source, events, 3);
    DenseEncoding encoding = DenseEncoding.parse(denseEncoding);
    List<String> policyList = List.of(policies.split(";"));
    EmbeddedKafkaBroker broker = bootstrap == null ? EmbeddedKafkaBroker.start() : null;
    String servers = broker != null ? broker.bootstrapServers() : bootstrap;
    Path work = keep != null ? Files.createDirectories(keep) : Files.createTempDirectory("batchwise-bench-stream-");
    try {
      Map<String, List<Double>> rates = new LinkedHashMap<>();
      Map<String, List<Map<String, Object>>> learnerRuns = new LinkedHashMap<>();
      Map<String, Object> profiles = new LinkedHashMap<>();
      for (int r = 0; r < repeats; r++) {
        String topic = "bench-events-" + r + "-" + System.nanoTime();
        BenchTopics.create(servers, topic);
        BenchTopics.publish(servers, topic, stream, MODEL, encoding, 0);
        long end = BenchTopics.endOffset(servers, topic);
        rates.computeIfAbsent("ConsumerPerformance", k -> new ArrayList<>()).add(consumerPerformance(servers, topic, end, work, r));
        rates.computeIfAbsent("pass-through", k -> new ArrayList<>()).add(passThrough(servers, topic, end, work, r));
        for (String policy : policyList) {
          boolean recorded = profile && r == repeats - 1;
          Map<String, Object> run = learner(servers, topic, end, policy, work, r, recorded);
          rates.computeIfAbsent("learner " + policy, k -> new ArrayList<>()).add((Double) run.get("eventsPerSecond"));
          learnerRuns.computeIfAbsent(policy, k -> new ArrayList<>()).add(run);
          if (recorded) {
            profiles.put(policy, run.remove("profile"));
          }
        }
        System.err.printf(Locale.ROOT, "repeat %d: %s%n", r + 1, lastOf(rates));
      }
      Map<String, Object> results = new LinkedHashMap<>();
      results.put("run", BenchRun.describe("stream", command.commandLine().getParseResult().originalArgs()));
      results.put("events", events);
      results.put("source", source);
      results.put("modelSpec", modelSpec);
      results.put("denseEncoding", denseEncoding);
      results.put("recordsPerSecond", rates);
      Map<String, Double> medians = new LinkedHashMap<>();
      rates.forEach((consumer, values) -> medians.put(consumer, Statistics.median(values)));
      results.put("medianRecordsPerSecond", medians);
      Map<String, Object> ratios = new LinkedHashMap<>();
      for (String policy : policyList) {
        ratios.put(policy, Map.of(
            "overConsumerPerformance", medianRatio(rates.get("learner " + policy), rates.get("ConsumerPerformance")),
            "overPassThrough", medianRatio(rates.get("learner " + policy), rates.get("pass-through"))));
      }
      results.put("learnerRatiosMedianPerRepeat", ratios);
      results.put("learnerRuns", learnerRuns);
      if (!profiles.isEmpty()) {
        results.put("profiles", profiles);
      }
      if (stalenessSeconds > 0) {
        results.put("staleness", staleness(servers, work, policyList.get(0), encoding));
      }
      ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      System.out.println(mapper.writeValueAsString(results));
      if (json != null) {
        mapper.writeValue(json.toFile(), results);
      }
      return 0;
    } finally {
      if (broker != null) {
        broker.close();
      }
      if (keep == null) {
        deleteRecursively(work);
      }
    }
  }

  private static String lastOf(Map<String, List<Double>> rates) {
    StringBuilder line = new StringBuilder();
    rates.forEach((consumer, values) -> line.append(String.format(Locale.ROOT, "%s %.0f/s; ", consumer,
        values.get(values.size() - 1))));
    return line.toString();
  }

  /** The median over the repeats of (this repeat's a / this repeat's b): a ratio measured within one run each time. */
  private static double medianRatio(List<Double> a, List<Double> b) {
    double[] ratios = new double[a.size()];
    for (int i = 0; i < ratios.length; i++) {
      ratios[i] = a.get(i) / b.get(i);
    }
    return Statistics.median(ratios);
  }

  /** Apache Kafka's ConsumerPerformance on the topic: its fetch rate (records/s, group join excluded). */
  private double consumerPerformance(String servers, String topic, long end, Path work, int r) throws Exception {
    Path log = work.resolve("consumer-performance-" + r + ".log");
    try (ChildJvm child = ChildJvm.start("org.apache.kafka.tools.ConsumerPerformance", List.of("--bootstrap-server",
        servers, "--topic", topic, "--num-records", Long.toString(end), "--group", "bench-cp-" + System.nanoTime(),
        "--timeout", "60000"), List.of(), Map.of(), log)) {
      if (child.await(timeoutSeconds) != 0) {
        throw new IllegalStateException("ConsumerPerformance failed: see " + Files.readString(log));
      }
    }
    List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.isBlank() && !l.contains(" WARN ")).toList();
    int header = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("fetch.nMsg.sec")) {
        header = i;
      }
    }
    if (header < 0 || header + 1 >= lines.size()) {
      throw new IllegalStateException("no result in ConsumerPerformance's output: " + lines);
    }
    List<String> names = List.of(lines.get(header).split(",\\s*"));
    String[] values = lines.get(header + 1).split(",\\s*");
    return Double.parseDouble(values[names.indexOf("fetch.nMsg.sec")]);
  }

  private double passThrough(String servers, String topic, long end, Path work, int r) throws Exception {
    String app = "bench-pass-" + r + "-" + System.nanoTime();
    try (ChildJvm child = ChildJvm.start(PassThroughApp.class.getName(), List.of(servers, topic, topic + "-out", app,
        work.resolve(app).toString()), List.of(), Map.of(), work.resolve(app + ".log"))) {
      return rateOf(BenchTopics.followGroup(servers, app, topic, end, timeoutSeconds, child::alive), "the pass-through app");
    }
  }

  /** One run of the learner ({@code batchwise learn}) over the topic: its rate and what it learned. */
  private Map<String, Object> learner(String servers, String topic, long end, String policy, Path work, int r,
      boolean recorded) throws Exception {
    String app = "bench-learn-" + r + "-" + System.nanoTime();
    Map<String, String> env = new LinkedHashMap<>();
    env.put(Settings.environmentName(LearnerConfig.EVENTS_TOPIC), topic);
    env.put(Settings.environmentName(LearnerConfig.SNAPSHOTS_TOPIC), app + "-snapshots");
    env.put(Settings.environmentName(LearnerConfig.METRICS_TOPIC), app + "-metrics");
    env.put(Settings.environmentName(LearnerConfig.DEAD_LETTER_TOPIC), app + "-dlq");
    Path recording = work.resolve(app + ".jfr");
    List<String> jvmOptions = recorded ? ThreadProfile.recordingOptions(recording) : List.of();
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("policy", policy);
    List<String> args = new ArrayList<>(List.of("learn", "--bootstrap", servers, "--application-id", app, "--state-dir",
        work.resolve(app).toString(), "--batch", policy, "--model-spec", modelSpec, "--partitions", "1"));
    if (learnerConfig != null) {
      args.addAll(List.of("--config", learnerConfig.toAbsolutePath().toString()));
    }
    try (ChildJvm child = ChildJvm.start("io.batchwise.app.Main", args, jvmOptions, env, work.resolve(app + ".log"))) {
      double eventsPerSecond = rateOf(BenchTopics.followGroup(servers, app, topic, end, timeoutSeconds, child::alive),
          "the learner");
      run.put("eventsPerSecond", eventsPerSecond);
      ModelSnapshot last = awaitSnapshot(servers, app + "-snapshots", end);
      run.put("examplesSeen", last.getExamplesSeen());
      run.put("updates", last.getUpdates());
      run.put("meanBatchSize", (double) last.getExamplesSeen() / Math.max(1, last.getUpdates()));
      run.put("prequentialLogLoss", last.getMetrics().getLogLoss());
    }
    if (recorded) {
      ThreadProfile threadProfile = ThreadProfile.read(recording, java.util.regex.Pattern.quote(app) + ".*-StreamThread-\\d+");
      double microsPerEvent = 1e6 / (Double) run.get("eventsPerSecond");
      Map<String, Object> categories = new LinkedHashMap<>();
      threadProfile.shares().forEach((category, share) -> categories.put(category,
          Map.of("share", share, "microsPerEvent", share * microsPerEvent)));
      run.put("profile", Map.of("samples", threadProfile.total(), "microsPerEvent", microsPerEvent,
          "meanBatchSize", run.get("meanBatchSize"), "categories", categories));
    }
    return run;
  }

  private static double rateOf(OptionalLong rate, String what) {
    if (rate.isEmpty()) {
      throw new IllegalStateException(what + " did not get through the topic (it stopped, or the time ran out)");
    }
    return rate.getAsLong();
  }

  private ModelSnapshot awaitSnapshot(String servers, String topic, long examples) throws InterruptedException {
    try (SnapshotFollower follower = new SnapshotFollower(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers), topic)) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        ModelSnapshot latest = follower.readToEnd(Duration.ofSeconds(30)).get(MODEL);
        if (latest != null && latest.getExamplesSeen() >= examples) {
          return latest;
        }
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException("no snapshot of all " + examples + " events on " + topic);
  }

  /**
   * The learner in this JVM fed a steady rate: for each event, the time from its append to the creation of the
   * first snapshot that includes it.
   */
  private Map<String, Object> staleness(String servers, Path work, String policy, DenseEncoding encoding) throws Exception {
    String topic = "bench-staleness-" + System.nanoTime();
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    settings.put(StreamsConfig.APPLICATION_ID_CONFIG, topic);
    settings.put(StreamsConfig.STATE_DIR_CONFIG, work.resolve(topic).toString());
    settings.put(LearnerConfig.EVENTS_TOPIC, topic);
    settings.put(LearnerConfig.SNAPSHOTS_TOPIC, topic + "-snapshots");
    settings.put(LearnerConfig.METRICS_TOPIC, topic + "-metrics");
    settings.put(LearnerConfig.DEAD_LETTER_TOPIC, topic + "-dlq");
    settings.put(LearnerConfig.BATCH_POLICY, policy);
    settings.put(LearnerConfig.MODEL_SPEC, modelSpec);
    LearnerConfig config = new LearnerConfig(settings);
    TopicSetup.ensureTopics(servers, config, 1);
    List<long[]> snapshots = Collections.synchronizedList(new ArrayList<>());  // {examplesSeen, createdAt}
    long[] appendTimes;
    BenchStream stream = BenchSources.open(source, rate * stalenessSeconds, 5);
    try (StreamingLearner learner = StreamingLearner.start(settings);
         SnapshotFollower follower = new SnapshotFollower(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers),
             config.snapshotsTopic())) {
      follower.onSnapshot(s -> snapshots.add(new long[] {s.getExamplesSeen(), s.getCreatedAt().toEpochMilli()})).start();
      Thread.sleep(3000);
      appendTimes = BenchTopics.publish(servers, topic, stream, MODEL, encoding, rate);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline
          && (snapshots.isEmpty() || snapshots.get(snapshots.size() - 1)[0] < appendTimes.length)) {
        Thread.sleep(100);
      }
    }
    long[] stale = Staleness.perEvent(appendTimes, new ArrayList<>(snapshots));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("policy", policy);
    result.put("rate", rate);
    result.put("events", appendTimes.length);
    result.put("eventsInSnapshots", stale.length);
    result.put("medianMillis", Statistics.percentile(stale, 50));
    result.put("p99Millis", Statistics.percentile(stale, 99));
    result.put("maxMillis", stale.length == 0 ? -1 : stale[stale.length - 1]);
    return result;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Collections.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }
}
