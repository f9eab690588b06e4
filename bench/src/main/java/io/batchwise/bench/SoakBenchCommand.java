package io.batchwise.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import org.apache.kafka.clients.consumer.ConsumerConfig;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.batchwise.app.Settings;
import io.batchwise.app.TopicSetup;
import io.batchwise.app.broker.EmbeddedKafkaBroker;
import io.batchwise.client.SnapshotFollower;
import io.batchwise.learner.stream.LearnerConfig;
import io.batchwise.schemas.ModelSnapshot;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The soak: the whole deployment under a steady load for a long time, watched for what grows. Events at a fixed
 * rate for several models (a few of them invalid), learned by {@code learn} instances in JVMs of their own,
 * {@code serve} in its own JVM answering predictions at a fixed rate. Every few seconds: each process's resident
 * memory, open files and threads (from /proc), the bytes of each topic on the brokers, and the learners' consumer
 * lag. After a warm-up, each is fitted with a line by least squares: its growth per hour. At the end, the counts
 * must be exact: every model's examples seen is the valid events sent for it, its dead letters the invalid ones.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
    description = "The deployment (learners, serve) under steady load for N minutes: memory, files, threads, disk per "
        + "topic and lag sampled and fitted for growth per hour; exact counts checked at the end. Prints JSON.")
public final class SoakBenchCommand implements Callable<Integer> {
  private static final String MAIN = "io.batchwise.app.Main";
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

  @Option(names = "--bootstrap", description = "Kafka to use; default: an embedded broker in this JVM.")
  String bootstrap;

  @Option(names = "--minutes", defaultValue = "30", description = "How long the load runs (default: ${DEFAULT-VALUE}).")
  double minutes;

  @Option(names = "--warmup-minutes", defaultValue = "5",
      description = "Samples before this are left out of the growth fits (default: ${DEFAULT-VALUE}).")
  double warmupMinutes;

  @Option(names = "--rate", defaultValue = "2000", description = "Events per second, all models together (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--models", defaultValue = "4", description = "Models the events go to in turn (default: ${DEFAULT-VALUE}).")
  int models;

  @Option(names = "--features", defaultValue = "10", description = "Features per event (default: ${DEFAULT-VALUE}).")
  int features;

  @Option(names = "--invalid-every", defaultValue = "1000",
      description = "One event in this many is invalid (undecodable or a NaN feature); 0: none (default: ${DEFAULT-VALUE}).")
  int invalidEvery;

  @Option(names = "--learners", defaultValue = "2", description = "learn instances sharing the models (default: ${DEFAULT-VALUE}).")
  int learners;

  @Option(names = "--partitions", defaultValue = "2", description = "Partitions of the topics (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--predict-rate", defaultValue = "20", description = "Predict requests per second to serve (default: ${DEFAULT-VALUE}).")
  double predictRate;

  @Option(names = "--heap", defaultValue = "1g", description = "-Xmx of the learners and serve, as in the container image (default: ${DEFAULT-VALUE}).")
  String heap;

  @Option(names = "--sample-seconds", defaultValue = "10", description = "Seconds between samples (default: ${DEFAULT-VALUE}).")
  double sampleSeconds;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--json", description = "Write the results, every sample included, to this file.")
  Path json;

  @Option(names = "--keep", description = "Keep the learners' and serve's logs and state in this folder.")
  Path keep;

  /** One look at everything watched, {@code seconds} after the load started. */
  record Sample(double seconds, Map<String, ProcessResources> processes, Map<String, Long> topicBytes, long lag,
      long eventsSent) {
  }

  @Override
  public Integer call() throws Exception {
    if (minutes <= 0 || warmupMinutes < 0 || warmupMinutes >= minutes || rate <= 0 || models < 1 || features < 1
        || learners < 1 || partitions < 1 || predictRate <= 0 || sampleSeconds <= 0 || invalidEvery < 0) {
      throw new IllegalArgumentException("need --minutes > --warmup-minutes >= 0, and --rate, --models, --features, "
          + "--learners, --partitions, --predict-rate, --sample-seconds above 0");
    }
    ProcessResources.of(ProcessHandle.current().pid());  // fails at once where there is no /proc
    EmbeddedKafkaBroker broker = bootstrap == null ? EmbeddedKafkaBroker.start() : null;
    String servers = broker != null ? broker.bootstrapServers() : bootstrap;
    Path work = keep != null ? Files.createDirectories(keep) : Files.createTempDirectory("batchwise-soak-");
    String run = "soak-" + System.currentTimeMillis();
    Map<String, String> topics = new LinkedHashMap<>();
    topics.put(LearnerConfig.EVENTS_TOPIC, run + "-events");
    topics.put(LearnerConfig.SNAPSHOTS_TOPIC, run + "-snapshots");
    topics.put(LearnerConfig.METRICS_TOPIC, run + "-metrics");
    topics.put(LearnerConfig.DEAD_LETTER_TOPIC, run + "-dlq");
    List<String> modelIds = new ArrayList<>();
    for (int m = 0; m < models; m++) {
      modelIds.add("soak-" + m);
    }
    List<ChildJvm> children = new ArrayList<>();
    try {
      TopicSetup.ensureTopics(servers, new LearnerConfig(topics), partitions);
      Map<String, String> environment = new LinkedHashMap<>();
      topics.forEach((key, name) -> environment.put(Settings.environmentName(key), name));
      Map<String, ChildJvm> processes = new LinkedHashMap<>();
      Map<String, URI> endpoints = new LinkedHashMap<>();
      for (int i = 1; i <= learners; i++) {
        String name = "learner-" + i;
        Path log = work.resolve(name + ".log");
        ChildJvm learner = ChildJvm.start(MAIN, List.of("learn", "--bootstrap", servers, "--application-id", run,
            "--state-dir", work.resolve(name).toString(), "--partitions", Integer.toString(partitions), "--quiet",
            "--http-port", "0"), List.of("-Xmx" + heap), environment, log);
        children.add(learner);
        processes.put(name, learner);
        endpoints.put(name, URI.create(learner.awaitLine("health and metrics on (\\S+)", START_TIMEOUT)));
      }
      Path serveLog = work.resolve("serve.log");
      ChildJvm serve = ChildJvm.start(MAIN, List.of("serve", "--bootstrap", servers, "--port", "0"),
          List.of("-Xmx" + heap), environment, serveLog);
      children.add(serve);
      processes.put("serve", serve);
      URI scoring = URI.create(serve.awaitLine("serving (\\S+/)models", START_TIMEOUT));
      for (Map.Entry<String, URI> learner : endpoints.entrySet()) {
        awaitStatus(learner.getValue().resolve("readyz"), processes.get(learner.getKey()), learner.getKey());
      }
      awaitStatus(scoring.resolve("readyz"), serve, "serve");
      System.err.printf(Locale.ROOT, "soak: %d learner(s) and serve ready; %.0f events/s for %s models, %.0f "
          + "predictions/s, for %.1f minutes%n", learners, rate, models, predictRate, minutes);

      List<Sample> samples = new ArrayList<>();
      EventLoad events = new EventLoad(servers, topics.get(LearnerConfig.EVENTS_TOPIC), modelIds, features, rate,
          invalidEvery);
      PredictionLoad predictions;
      Instant started = Instant.now();
      long start = System.nanoTime();
      try (ClusterSampler cluster = new ClusterSampler(servers)) {
        events.start();
        awaitModels(scoring.resolve("models"), modelIds, serve);
        predictions = new PredictionLoad(scoring, modelIds, features, predictRate).start();
        long end = start + (long) (minutes * 60e9);
        long next = start;
        while (System.nanoTime() < end) {
          samples.add(sample(cluster, processes, topics, run, events, start));
          for (Map.Entry<String, ChildJvm> process : processes.entrySet()) {
            if (!process.getValue().alive()) {
              throw new IllegalStateException(process.getKey() + " stopped; see its log in " + work);
            }
          }
          next += (long) (sampleSeconds * 1e9);
          long wait = Math.min(next, end) - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
        }
        samples.add(sample(cluster, processes, topics, run, events, start));
        double loadSeconds = (System.nanoTime() - start) / 1e9;
        events.close();
        predictions.close();
        if (events.failures() > 0) {
          throw new IllegalStateException(events.failures() + " events were not taken by the broker");
        }
        Map<String, Object> counts = awaitExactCounts(servers, topics.get(LearnerConfig.SNAPSHOTS_TOPIC), scoring,
            events);
        Map<String, Object> results = results(started, loadSeconds, samples, events, predictions, counts, topics);
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        System.out.println(mapper.writeValueAsString(without(results, "samples")));
        if (json != null) {
          mapper.writeValue(json.toFile(), results);
        }
        return Boolean.TRUE.equals(counts.get("exact")) ? 0 : 1;
      }
    } finally {
      for (ChildJvm child : children) {
        child.close();
      }
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

  private Sample sample(ClusterSampler cluster, Map<String, ChildJvm> processes, Map<String, String> topics, String group,
      EventLoad events, long start) throws Exception {
    Map<String, ProcessResources> resources = new LinkedHashMap<>();
    for (Map.Entry<String, ChildJvm> process : processes.entrySet()) {
      resources.put(process.getKey(), ProcessResources.of(process.getValue().pid()));
    }
    Map<String, Long> bytes = cluster.topicBytes(new java.util.HashSet<>(topics.values()));
    long lag = cluster.lag(group, topics.get(LearnerConfig.EVENTS_TOPIC));
    return new Sample((System.nanoTime() - start) / 1e9, resources, bytes, lag, events.sent());
  }

  /**
   * Waits until every model's latest snapshot has learned exactly the valid events sent for it and counted the
   * invalid ones as dead letters, and serve answers with it; fails the counts when they go past or time runs out.
   */
  private Map<String, Object> awaitExactCounts(String servers, String snapshotsTopic, URI scoring, EventLoad events)
      throws Exception {
    Map<String, Long> valid = events.valid();
    Map<String, Long> invalid = events.invalid();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    Map<String, ModelSnapshot> latest = Map.of();
    boolean exact = false;
    while (System.nanoTime() < deadline) {
      Map<String, ModelSnapshot> read = new SnapshotFollower(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers),
          snapshotsTopic).readToEnd(Duration.ofSeconds(30));
      latest = read;
      exact = read.keySet().equals(valid.keySet()) && valid.keySet().stream().allMatch(m ->
          read.get(m).getExamplesSeen() == valid.get(m) && read.get(m).getDeadLetters() == invalid.get(m));
      boolean past = read.values().stream().anyMatch(s -> s.getExamplesSeen() > valid.getOrDefault(s.getModelId(), 0L));
      if (exact || past) {
        break;
      }
      Thread.sleep(1000);
    }
    Map<String, Object> counts = new LinkedHashMap<>();
    Map<String, Object> perModel = new TreeMap<>();
    for (String model : valid.keySet()) {
      ModelSnapshot s = latest.get(model);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("validSent", valid.get(model));
      m.put("examplesSeen", s == null ? null : s.getExamplesSeen());
      m.put("invalidSent", invalid.get(model));
      m.put("deadLetters", s == null ? null : s.getDeadLetters());
      m.put("version", s == null ? null : s.getVersion());
      perModel.put(model, m);
    }
    boolean serveAnswersLatest = exact && servesVersions(scoring, latest);
    counts.put("exact", exact && serveAnswersLatest);
    counts.put("serveAnswersTheLatestVersions", serveAnswersLatest);
    counts.put("models", perModel);
    return counts;
  }

  /** Whether serve answers every model with its latest version (it follows the topic: within a few seconds). */
  private static boolean servesVersions(URI scoring, Map<String, ModelSnapshot> latest) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      boolean all = true;
      for (ModelSnapshot snapshot : latest.values()) {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(scoring.resolve("models/" + snapshot.getModelId()))
            .build(), HttpResponse.BodyHandlers.ofString());
        all &= answer.statusCode() == 200
            && mapper.readTree(answer.body()).path("version").asLong() == snapshot.getVersion();
      }
      if (all) {
        return true;
      }
      Thread.sleep(500);
    }
    return false;
  }

  private Map<String, Object> results(Instant started, double loadSeconds, List<Sample> samples, EventLoad events,
      PredictionLoad predictions, Map<String, Object> counts, Map<String, String> topics) {
    List<Sample> fitted = samples.stream().filter(s -> s.seconds() >= warmupMinutes * 60).toList();
    if (fitted.size() < 2) {
      throw new IllegalStateException("fewer than two samples after the warm-up: lengthen --minutes or sample more often");
    }
    Map<String, Object> results = new LinkedHashMap<>();
    results.put("run", BenchRun.describe("soak", spec.commandLine().getParseResult().originalArgs()));
    Map<String, Object> setup = new LinkedHashMap<>();
    setup.put("minutes", minutes);
    setup.put("warmupMinutes", warmupMinutes);
    setup.put("eventsPerSecond", rate);
    setup.put("models", models);
    setup.put("features", features);
    setup.put("invalidEvery", invalidEvery);
    setup.put("learners", learners);
    setup.put("partitions", partitions);
    setup.put("predictionsPerSecond", predictRate);
    setup.put("heap", heap);
    setup.put("sampleSeconds", sampleSeconds);
    setup.put("broker", bootstrap == null ? "embedded" : bootstrap);
    results.put("setup", setup);
    results.put("started", started.toString());
    results.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
        "java", System.getProperty("java.version"), "os", System.getProperty("os.name") + " "
            + System.getProperty("os.version"), "memoryBytes", totalMemory()));
    long sent = events.sent();
    results.put("events", Map.of("sent", sent, "perSecond", sent / loadSeconds));
    results.put("counts", counts);

    Map<String, Object> processes = new LinkedHashMap<>();
    for (String process : samples.get(0).processes().keySet()) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("rssBytes", growth(fitted, s -> s.processes().get(process).rssBytes()));
      p.put("fileDescriptors", growth(fitted, s -> s.processes().get(process).fileDescriptors()));
      p.put("threads", growth(fitted, s -> s.processes().get(process).threads()));
      processes.put(process, p);
    }
    results.put("processes", processes);

    Map<String, Object> disk = new LinkedHashMap<>();
    Map<String, Growth> topicGrowth = new LinkedHashMap<>();
    topics.forEach((key, topic) -> {
      Growth g = Growth.fit(seconds(fitted), values(fitted, s -> s.topicBytes().get(topic)));
      topicGrowth.put(key, g);
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("topic", topic);
      t.put("bytesAtEnd", samples.get(samples.size() - 1).topicBytes().get(topic));
      t.put("bytesPerHour", g.perHour());
      disk.put(key, t);
    });
    results.put("disk", disk);
    double metricsShare = topicGrowth.get(LearnerConfig.METRICS_TOPIC).perHour()
        / topicGrowth.get(LearnerConfig.EVENTS_TOPIC).perHour();

    double[] lags = values(fitted, Sample::lag);
    java.util.Arrays.sort(lags);
    results.put("lag", Map.of("max", lags[lags.length - 1], "median", Statistics.median(lags),
        "atEnd", samples.get(samples.size() - 1).lag(), "growth", growth(fitted, Sample::lag)));

    long[] latencies = predictions.sortedLatencyMicros();
    Map<String, Long> statuses = predictions.statuses();
    long answered = statuses.values().stream().mapToLong(Long::longValue).sum();
    Map<String, Object> serving = new LinkedHashMap<>();
    serving.put("requests", answered);
    serving.put("statuses", statuses);
    serving.put("errors", answered - statuses.getOrDefault("200", 0L));
    serving.put("p50Millis", Statistics.percentile(latencies, 50) / 1000.0);
    serving.put("p99Millis", Statistics.percentile(latencies, 99) / 1000.0);
    serving.put("maxMillis", latencies.length == 0 ? -1 : latencies[latencies.length - 1] / 1000.0);
    results.put("serve", serving);

    Map<String, Object> targets = new LinkedHashMap<>();
    targets.put("metricsTopicGrowthShareOfEvents", metricsShare);
    targets.put("metricsTopicAtMost2PercentOfEvents", metricsShare <= 0.02);
    double worst = 0;
    for (String process : processes.keySet()) {
      for (ToDoubleFunction<ProcessResources> resource : List.<ToDoubleFunction<ProcessResources>>of(
          ProcessResources::rssBytes, ProcessResources::fileDescriptors, ProcessResources::threads)) {
        worst = Math.max(worst, Growth.fit(seconds(fitted), values(fitted, s -> resource.applyAsDouble(
            s.processes().get(process)))).percentPerHour());
      }
    }
    targets.put("worstProcessGrowthPercentPerHour", worst);
    targets.put("processesUnder5PercentPerHour", worst < 5);
    targets.put("countsExact", counts.get("exact"));
    results.put("targets", targets);
    results.put("samples", samples);
    return results;
  }

  private static Map<String, Object> growth(List<Sample> samples, ToDoubleFunction<Sample> value) {
    Growth g = Growth.fit(seconds(samples), values(samples, value));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("afterWarmup", g.start());
    m.put("atEnd", value.applyAsDouble(samples.get(samples.size() - 1)));
    m.put("perHour", g.perHour());
    m.put("percentPerHour", g.percentPerHour());
    return m;
  }

  private static double[] seconds(List<Sample> samples) {
    return samples.stream().mapToDouble(Sample::seconds).toArray();
  }

  private static double[] values(List<Sample> samples, ToDoubleFunction<Sample> value) {
    return samples.stream().mapToDouble(value).toArray();
  }

  private static Map<String, Object> without(Map<String, Object> map, String key) {
    Map<String, Object> copy = new LinkedHashMap<>(map);
    copy.remove(key);
    return copy;
  }

  private static long totalMemory() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getTotalMemorySize() : -1;
  }

  private static void awaitStatus(URI uri, ChildJvm child, String name) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline && child.alive()) {
      try {
        if (http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(name + " did not get ready (" + uri + ")");
  }

  /** Waits until serve lists every model, so that the predictions that follow have a model to ask. */
  private static void awaitModels(URI models, List<String> ids, ChildJvm serve) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline && serve.alive()) {
      String body = http.send(HttpRequest.newBuilder(models).build(), HttpResponse.BodyHandlers.ofString()).body();
      if (ids.stream().allMatch(id -> body.contains("\"" + id + "\""))) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("serve did not get a snapshot of every model");
  }
}
