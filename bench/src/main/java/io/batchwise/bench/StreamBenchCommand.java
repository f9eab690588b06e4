package io.batchwise.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.batchwise.app.TopicSetup;
import io.batchwise.app.broker.EmbeddedKafkaBroker;
import io.batchwise.ingest.EventSource;
import io.batchwise.ingest.SourceRow;
import io.batchwise.ingest.SyntheticStreams;
import io.batchwise.learner.snapshot.SnapshotFollower;
import io.batchwise.learner.stream.LearnerConfig;
import io.batchwise.learner.stream.LearnerTopology;
import io.batchwise.schemas.AvroSerde;
import io.batchwise.schemas.LabelledEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Stream throughput, in one run on one broker: the learner against a pass-through Kafka Streams app that
 * reads, deserializes and forwards each event, both exactly-once, on the same pre-filled topic. Then the
 * staleness of the learner at a steady rate it keeps up with: event appended -> first snapshot containing it.
 */
@Command(name = "stream", mixinStandardHelpOptions = true,
    description = "Records/s of the learner vs a pass-through Kafka Streams app on the same broker, and snapshot staleness.")
public final class StreamBenchCommand implements Callable<Integer> {
  @Option(names = "--bootstrap", description = "Kafka to use; default: an embedded broker.")
  String bootstrap;

  @Option(names = "--events", defaultValue = "300000", description = "Events per throughput run (default: ${DEFAULT-VALUE}).")
  int events;

  @Option(names = "--features", defaultValue = "10", description = "Dense features per event (default: ${DEFAULT-VALUE}).")
  int features;

  @Option(names = "--repeats", defaultValue = "3", description = "Runs of each app, alternating; the median is reported (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--batch", defaultValue = "goodput", description = "Learner batching policy (default: ${DEFAULT-VALUE}).")
  String policy;

  @Option(names = "--rate", defaultValue = "20000", description = "Events/s of the staleness run (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(names = "--staleness-seconds", defaultValue = "20", description = "Length of the staleness run (default: ${DEFAULT-VALUE}).")
  int stalenessSeconds;

  @Option(names = "--json", description = "Write the results to this JSON file.")
  Path json;

  @Override
  public Integer call() throws Exception {
    EmbeddedKafkaBroker broker = bootstrap == null ? EmbeddedKafkaBroker.start() : null;
    String servers = broker != null ? broker.bootstrapServers() : bootstrap;
    Path stateRoot = Files.createTempDirectory("batchwise-bench-");
    try {
      Map<String, Object> results = new LinkedHashMap<>();
      List<Double> passThrough = new ArrayList<>();
      List<Double> learner = new ArrayList<>();
      List<Double> ratios = new ArrayList<>();
      List<Double> meanBatch = new ArrayList<>();
      for (int r = 0; r < repeats; r++) {
        String topic = "bench-events-" + r;
        produce(servers, topic, events, 0);
        double p = run(servers, stateRoot, topic, passThroughTopology(topic, "bench-out-" + r), "pass-" + r);
        LearnerConfig config = learnerConfig(topic, r);
        double l = run(servers, stateRoot, topic, LearnerTopology.build(config), "learn-" + r);
        meanBatch.add(meanBatchSize(servers, config));
        passThrough.add(p);
        learner.add(l);
        ratios.add(l / p);
        System.err.printf("run %d: pass-through %.0f rec/s, learner %.0f rec/s, ratio %.2f, mean batch %.1f%n",
            r + 1, p, l, l / p, meanBatch.get(r));
      }
      results.put("events", events);
      results.put("features", features);
      results.put("policy", policy);
      results.put("passThroughRecordsPerSecond", passThrough);
      results.put("learnerRecordsPerSecond", learner);
      results.put("ratios", ratios);
      results.put("learnerMeanBatchSize", meanBatch);
      results.put("medianPassThrough", median(passThrough));
      results.put("medianLearner", median(learner));
      results.put("medianRatio", median(ratios));
      results.putAll(staleness(servers, stateRoot));
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
      try (var paths = Files.walk(stateRoot)) {
        paths.sorted(Collections.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  private LearnerConfig learnerConfig(String topic, int run) {
    Map<String, Object> settings = new HashMap<>();
    settings.put(LearnerConfig.EVENTS_TOPIC, topic);
    settings.put(LearnerConfig.SNAPSHOTS_TOPIC, "bench-snapshots-" + run);
    settings.put(LearnerConfig.METRICS_TOPIC, "bench-metrics-" + run);
    settings.put(LearnerConfig.DEAD_LETTER_TOPIC, "bench-dlq-" + run);
    settings.put(LearnerConfig.BATCH_POLICY, policy);
    return new LearnerConfig(settings);
  }

  /** Reads, deserializes and forwards: the least any Kafka Streams consumer of these events does. */
  private static Topology passThroughTopology(String in, String out) {
    Topology topology = new Topology();
    topology.addSource("in", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), in);
    topology.addProcessor("decode", () -> new Processor<String, byte[], String, byte[]>() {
      private final AvroSerde<LabelledEvent> serde = io.batchwise.schemas.Serdes.labelledEvent();
      private ProcessorContext<String, byte[]> context;

      @Override
      public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
      }

      @Override
      public void process(Record<String, byte[]> record) {
        if (serde.deserialize(in, record.value()) != null) {
          context.forward(record);
        }
      }
    }, "in");
    topology.addSink("out", out, Serdes.String().serializer(), Serdes.ByteArray().serializer(), "decode");
    return topology;
  }

  /** Examples per update of the learner's run, from its last snapshot. */
  private static double meanBatchSize(String servers, LearnerConfig config) throws InterruptedException {
    try (SnapshotFollower follower = new SnapshotFollower(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers),
        config.snapshotsTopic())) {
      for (int attempt = 0; attempt < 50; attempt++) {
        var latest = follower.readToEnd(Duration.ofSeconds(30)).get("bench");
        if (latest != null && latest.getUpdates() > 0) {
          return (double) latest.getExamplesSeen() / latest.getUpdates();
        }
        Thread.sleep(100);
      }
    }
    return Double.NaN;
  }

  /** Records/s from the app reaching RUNNING until its committed offsets reach the end of the topic. */
  private double run(String servers, Path stateRoot, String topic, Topology topology, String appId) throws Exception {
    Properties props = new Properties();
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-" + appId + "-" + System.nanoTime());
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateRoot.resolve(appId).toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    CountDownLatch running = new CountDownLatch(1);
    try (KafkaStreams streams = new KafkaStreams(topology, props);
         Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
      streams.setStateListener((now, before) -> {
        if (now == KafkaStreams.State.RUNNING) {
          running.countDown();
        }
      });
      TopicPartition partition = new TopicPartition(topic, 0);
      long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition).get().offset();
      streams.start();
      if (!running.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the " + appId + " app did not start");
      }
      long start = System.nanoTime();
      String group = props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
      while (true) {
        OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
            .get(partition);
        if (committed != null && committed.offset() >= end) {
          return events / ((System.nanoTime() - start) / 1e9);
        }
        if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(10)) {
          throw new IllegalStateException("the " + appId + " app did not finish in 10 minutes");
        }
        Thread.sleep(20);
      }
    }
  }

  /**
   * Produces at a steady rate while the learner runs; the staleness of event k is the time from its
   * append to the creation of the first snapshot whose examplesSeen reaches k.
   */
  private Map<String, Object> staleness(String servers, Path stateRoot) throws Exception {
    String topic = "bench-staleness";
    LearnerConfig config = learnerConfig(topic, 999);
    TopicSetup.ensureTopics(servers, config, 1);
    Properties props = new Properties();
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-staleness-" + System.nanoTime());
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateRoot.resolve("staleness").toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.putAll(LearnerTopology.requiredStreamsSettings(config));
    List<long[]> snapshots = Collections.synchronizedList(new ArrayList<>());  // {examplesSeen, createdAt}
    long[] appendTimes;
    try (KafkaStreams streams = new KafkaStreams(LearnerTopology.build(config), props);
         SnapshotFollower follower = new SnapshotFollower(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers),
             config.snapshotsTopic())) {
      follower.onSnapshot(s -> snapshots.add(new long[] {s.getExamplesSeen(), s.getCreatedAt().toEpochMilli()})).start();
      streams.start();
      Thread.sleep(3000);
      appendTimes = produce(servers, topic, rate * stalenessSeconds, rate);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline
          && (snapshots.isEmpty() || snapshots.get(snapshots.size() - 1)[0] < appendTimes.length)) {
        Thread.sleep(100);
      }
    }
    List<Long> stale = new ArrayList<>();
    int s = 0;
    List<long[]> published = new ArrayList<>(snapshots);
    for (int k = 0; k < appendTimes.length; k++) {
      while (s < published.size() && published.get(s)[0] < k + 1) {
        s++;
      }
      if (s == published.size()) {
        break;
      }
      stale.add(published.get(s)[1] - appendTimes[k]);
    }
    Collections.sort(stale);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("stalenessRate", rate);
    result.put("stalenessEvents", appendTimes.length);
    result.put("stalenessEventsInSnapshots", stale.size());
    result.put("stalenessMedianMillis", stale.isEmpty() ? null : stale.get(stale.size() / 2));
    result.put("stalenessP99Millis", stale.isEmpty() ? null : stale.get((int) Math.min(stale.size() - 1, Math.floor(stale.size() * 0.99))));
    result.put("stalenessMaxMillis", stale.isEmpty() ? null : stale.get(stale.size() - 1));
    return result;
  }

  /**
   * Produces n events of one model ("bench") from ingest's separable stream; rate 0 means as fast as
   * possible. Returns each event's append time, which the staleness measurement needs and ingest's
   * publisher does not report.
   */
  private long[] produce(String servers, String topic, int n, int eventsPerSecond) throws Exception {
    long[] appended = new long[n];
    try (EventSource source = SyntheticStreams.create("separable:d=" + features + ",n=" + n + ",noise=0.1", "bench", 3);
         KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
        ProducerConfig.LINGER_MS_CONFIG, eventsPerSecond > 0 ? 1 : 20,
        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new StringSerializer(), new ByteArraySerializer())) {
      AvroSerde<LabelledEvent> serde = io.batchwise.schemas.Serdes.labelledEvent();
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        if (eventsPerSecond > 0) {
          long due = start + (long) (i * 1e9 / eventsPerSecond);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
        }
        LabelledEvent event = ((SourceRow.Valid) source.next()).event();
        int index = i;
        producer.send(new ProducerRecord<>(topic, 0, null, "bench", serde.serialize(topic, event)),
            (metadata, error) -> appended[index] = error == null ? metadata.timestamp() : Long.MAX_VALUE);
      }
      producer.flush();
    }
    return appended;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
