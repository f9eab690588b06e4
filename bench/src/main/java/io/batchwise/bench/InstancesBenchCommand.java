package io.batchwise.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;


import io.batchwise.app.Settings;
import io.batchwise.app.TopicSetup;
import io.batchwise.app.broker.EmbeddedKafkaBroker;
import io.batchwise.ingest.DenseEncoding;
import io.batchwise.learner.model.OnlineModel;
import io.batchwise.learner.snapshot.SnapshotCodec;
import io.batchwise.client.SnapshotFollower;
import io.batchwise.learner.stream.LearnerConfig;
import io.batchwise.schemas.AvroSerde;
import io.batchwise.schemas.LabelledEvent;
import io.batchwise.schemas.ModelSnapshot;
import io.batchwise.schemas.Serdes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code batchwise bench instances}: what `learn` instances really do with one model on this machine. The events of a
 * linear concept are written to a fresh events topic first (a backlog), then learned by one instance on a one-partition
 * topic keyed by the model id (one learner), and by 1, 2, ... instances of one application id on a topic of several
 * partitions the events are spread over (a replica per partition, merged at the model's home). Each instance is a
 * `learn` in a JVM of its own against the embedded broker. Reported: events/s from the first snapshot to the one that
 * includes every event, the prequential log loss of that snapshot, its log loss on held-out events of the concept, and
 * how long the learners' exactly-once commits took over that time ({@link TransactionCommits}).
 */
@Command(name = "instances", mixinStandardHelpOptions = true,
    description = "One model spread over several partitions, learned by 1, 2, ... `learn` instances on this machine.")
public final class InstancesBenchCommand implements Callable<Integer> {
  private static final String MODEL = "spread";

  @Option(names = "--bootstrap", description = "Kafka to use; default: an embedded broker.")
  String bootstrap;

  @Option(names = "--events", defaultValue = "600000", description = "Events of the backlog (default: ${DEFAULT-VALUE}).")
  int events;

  @Option(names = "--features", defaultValue = "10", description = "Features per event (default: ${DEFAULT-VALUE}).")
  int features;

  @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the spread topic (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--instances", split = ",", description = "Instance counts on the spread topic (default: 1,2).")
  List<Integer> instances = List.of(1, 2);

  @Option(names = "--batch", defaultValue = "goodput", description = "The learners' batching policy (default: ${DEFAULT-VALUE}).")
  String batch;

  @Option(names = "--repeats", defaultValue = "2", description = "Runs of each configuration (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--timeout-s", defaultValue = "600", description = "Give up on one run after this long (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(names = "--json", description = "Write every run to this JSON file.")
  Path json;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /**
   * One configuration's run.
   *
   * @param heldOutLoss   the last version's log loss on the held-out events
   * @param heldOutLowest the lowest of the versions that include at least half the backlog
   * @param heldOutHighest and the highest: how much the last version's is one draw among them
   * @param commits       the learners' exactly-once commits from the first snapshot to the last
   * @param commitMillis  and the mean time each took
   */
  record Run(String configuration, int partitions, int instances, int repeat, double eventsPerSecond,
      double seconds, double prequentialLoss, double heldOutLoss, double heldOutLowest, double heldOutHighest,
      long version, double commits, double commitMillis) {
  }

  @Override
  public Integer call() throws Exception {
    if (repeats < 1 || partitions < 2 || instances.stream().anyMatch(k -> k < 1)) {
      throw new IllegalArgumentException("--repeats and --instances must be at least 1, --partitions at least 2");
    }
    EmbeddedKafkaBroker broker = bootstrap == null ? EmbeddedKafkaBroker.start() : null;
    String servers = broker != null ? broker.bootstrapServers() : bootstrap;
    Path work = Files.createTempDirectory("batchwise-bench-instances-");
    List<Run> runs = new ArrayList<>();
    try {
      for (int r = 0; r < repeats; r++) {
        // the backlog and, after it, held-out events of the same concept that no learner sees
        BenchStream all = ScenarioStreams.uniformConcept(events + 20_000, features, 0.1, 41 + r);
        runs.add(run(servers, work, all, 1, 1, r));
        for (int k : instances) {
          runs.add(run(servers, work, all, partitions, k, r));
        }
      }
    } finally {
      if (broker != null) {
        broker.close();
      }
      try (var paths = Files.walk(work)) {
        paths.sorted(Collections.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("run", BenchRun.describe("instances", spec.commandLine().getParseResult().originalArgs()));
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("events", events);
    settings.put("features", features);
    settings.put("partitions", partitions);
    settings.put("batch", batch);
    settings.put("repeats", repeats);
    doc.put("settings", settings);
    doc.put("medians", medians(runs));
    doc.put("runs", runs);
    RenderCommand.report(doc, json);
    return 0;
  }

  /** Per configuration (topic and instances), in the order first run: the median of each figure over the repeats. */
  private static List<Map<String, Object>> medians(List<Run> runs) {
    Map<String, List<Run>> byConfiguration = new LinkedHashMap<>();
    for (Run run : runs) {
      byConfiguration.computeIfAbsent(run.configuration() + "/" + run.instances(), c -> new ArrayList<>()).add(run);
    }
    List<Map<String, Object>> medians = new ArrayList<>();
    byConfiguration.values().forEach(cell -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("configuration", cell.get(0).configuration());
      m.put("partitions", cell.get(0).partitions());
      m.put("instances", cell.get(0).instances());
      m.put("eventsPerSecond", median(cell, Run::eventsPerSecond));
      m.put("seconds", median(cell, Run::seconds));
      m.put("prequentialLoss", median(cell, Run::prequentialLoss));
      m.put("heldOutLoss", median(cell, Run::heldOutLoss));
      m.put("heldOutLowest", median(cell, Run::heldOutLowest));
      m.put("heldOutHighest", median(cell, Run::heldOutHighest));
      m.put("versions", median(cell, r -> r.version()));
      m.put("commits", median(cell, Run::commits));
      m.put("commitMillis", median(cell, Run::commitMillis));
      medians.add(m);
    });
    return medians;
  }

  private static double median(List<Run> cell, java.util.function.ToDoubleFunction<Run> value) {
    return Statistics.median(cell.stream().mapToDouble(value).toArray());
  }

  private Run run(String servers, Path work, BenchStream all, int topicPartitions, int k, int r) throws Exception {
    String app = "inst-" + topicPartitions + "p-" + k + "i-" + r + "-" + System.nanoTime();
    Map<String, String> topics = Map.of(LearnerConfig.EVENTS_TOPIC, app + "-events", LearnerConfig.SNAPSHOTS_TOPIC,
        app + "-snapshots", LearnerConfig.METRICS_TOPIC, app + "-metrics", LearnerConfig.DEAD_LETTER_TOPIC, app + "-dlq");
    TopicSetup.ensureTopics(servers, new LearnerConfig(topics), topicPartitions);
    publish(servers, app + "-events", all, topicPartitions);
    Map<String, String> env = new LinkedHashMap<>();
    topics.forEach((key, name) -> env.put(Settings.environmentName(key), name));
    List<ChildJvm> learners = new ArrayList<>();
    TransactionCommits commits;
    ModelSnapshot[] first = new ModelSnapshot[1];
    ModelSnapshot[] last = new ModelSnapshot[1];
    List<ModelSnapshot> pastHalf = Collections.synchronizedList(new ArrayList<>());
    try (SnapshotFollower follower = new SnapshotFollower(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers),
        app + "-snapshots")) {
      follower.onSnapshot(s -> {
        if (first[0] == null) {
          first[0] = s;
        }
        last[0] = s;
        if (2 * s.getExamplesSeen() >= events) {
          pastHalf.add(s);
        }
      }).start();
      for (int i = 0; i < k; i++) {
        learners.add(ChildJvm.start("io.batchwise.app.Main", List.of("learn", "--bootstrap", servers, "--application-id",
            app, "--state-dir", work.resolve(app + "-" + i).toString(), "--batch", batch, "--quiet", "--http-port", "0"),
            List.of(), env, work.resolve(app + "-" + i + ".log")));
      }
      List<URI> endpoints = new ArrayList<>();
      for (ChildJvm learner : learners) {
        endpoints.add(URI.create(learner.awaitLine("health and metrics on (\\S+)", Duration.ofSeconds(timeoutSeconds))));
      }
      HttpClient http = HttpClient.newHttpClient();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
      while (first[0] == null && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      TransactionCommits atFirst = commits(http, endpoints);
      while ((last[0] == null || last[0].getExamplesSeen() < events) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      commits = commits(http, endpoints).minus(atFirst);
    } finally {
      for (ChildJvm learner : learners) {
        learner.close();
      }
    }
    if (last[0] == null || last[0].getExamplesSeen() != events) {
      throw new IllegalStateException(app + ": the learners did not learn every event exactly once ("
          + (last[0] == null ? 0 : last[0].getExamplesSeen()) + " of " + events + ")");
    }
    double seconds = (last[0].getCreatedAt().toEpochMilli() - first[0].getCreatedAt().toEpochMilli()) / 1000.0;
    double[] versions;
    synchronized (pastHalf) {
      versions = pastHalf.stream().mapToDouble(s -> heldOut(SnapshotCodec.model(s), all)).toArray();
    }
    Run run = new Run(topicPartitions == 1 ? "1 partition, keyed" : topicPartitions + " partitions, spread",
        topicPartitions, k, r, (events - first[0].getExamplesSeen()) / seconds, seconds,
        last[0].getMetrics().getLogLoss(), heldOut(SnapshotCodec.model(last[0]), all),
        Arrays.stream(versions).min().orElse(Double.NaN), Arrays.stream(versions).max().orElse(Double.NaN),
        last[0].getVersion(), commits.commits(), commits.millisPerCommit());
    System.err.println(run);
    return run;
  }

  private static TransactionCommits commits(HttpClient http, List<URI> endpoints) throws Exception {
    TransactionCommits total = TransactionCommits.NONE;
    for (URI endpoint : endpoints) {
      total = total.plus(TransactionCommits.read(http, endpoint));
    }
    return total;
  }

  /** Writes the first {@code events} of the stream: keyed by model id on one partition, else every partition in turn. */
  private void publish(String servers, String topic, BenchStream stream, int topicPartitions) {
    AvroSerde<LabelledEvent> serde = Serdes.labelledEvent();
    double[] row = new double[stream.featureCount()];
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers, ProducerConfig.LINGER_MS_CONFIG, 20,
        ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
        new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < events; i++) {
        stream.features(i, row);
        LabelledEvent event = LabelledEvent.newBuilder().setModelId(MODEL).setEventId(Integer.toString(i))
            .setEventTime(Instant.now()).setFeatures(DenseEncoding.FLOAT64.encode(row)).setLabel(stream.label(i)).build();
        byte[] value = serde.serialize(topic, event);
        producer.send(topicPartitions == 1 ? new ProducerRecord<>(topic, MODEL, value)
            : new ProducerRecord<>(topic, i % topicPartitions, null, value));
      }
      producer.flush();
    }
  }

  /** Log loss of the model on the stream's events after the backlog, which no learner saw. */
  private double heldOut(OnlineModel model, BenchStream all) {
    double[] row = new double[all.featureCount()];
    double sum = 0;
    for (int i = events; i < all.size(); i++) {
      all.features(i, row);
      double p = Math.min(1 - 1e-12, Math.max(1e-12, model.predict(row)[0]));
      sum -= all.label(i) == 1 ? Math.log(p) : Math.log(1 - p);
    }
    return sum / (all.size() - events);
  }
}
