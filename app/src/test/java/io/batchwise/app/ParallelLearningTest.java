package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.batchwise.learner.model.OnlineModel;
import io.batchwise.learner.snapshot.SnapshotCodec;
import io.batchwise.client.SnapshotFollower;
import io.batchwise.learner.stream.LearnerConfig;
import io.batchwise.learner.stream.StreamingLearner;
import io.batchwise.schemas.DenseFeatures;
import io.batchwise.schemas.LabelledEvent;
import io.batchwise.schemas.ModelSnapshot;
import io.batchwise.schemas.Serdes;
import io.batchwise.schemas.TrainingMetrics;

/**
 * One model whose events are spread over the four partitions of the events topic, learned by `learn` instances of one
 * application id, each in its own JVM: two at first, one of them SIGKILLed mid-stream and restarted, a third that
 * joins and leaves again. The merged model must count every valid event exactly once (examples seen, the published
 * summaries, dead letters), its versions must never go back, and its log loss must be within 0.01 of one learner's
 * on one partition over the same events. A second model keyed by its id rides along on its home partition alone.
 */
class ParallelLearningTest {
  private static final String SPREAD = "busy";
  private static final String KEYED = "quiet";
  private static final double[] TEACHER = {1.5, -2.0, 0.5, 1.0};
  private static final int EVENTS = 24_000;

  @RegisterExtension
  static final TestKafkaCluster kafka = new TestKafkaCluster();

  @Test
  void instancesJoiningDyingAndLeavingLearnOneModelExactlyOnce() throws Exception {
    String bootstrap = kafka.bootstrapServers();
    Path base = Files.createDirectories(Path.of("target", "parallel-test")).toAbsolutePath();
    Map<String, String> topics = Map.of(LearnerConfig.EVENTS_TOPIC, "events-par", LearnerConfig.SNAPSHOTS_TOPIC,
        "snapshots-par", LearnerConfig.METRICS_TOPIC, "metrics-par", LearnerConfig.DEAD_LETTER_TOPIC, "dlq-par");
    LearnerConfig config = new LearnerConfig(topics);
    TopicSetup.ensureTopics(bootstrap, config, 4);
    List<LabelledEvent> events = events(EVENTS, 7, true);
    long valid = events.stream().filter(e -> e.getModelId().equals(SPREAD) && valid(e)).count();
    long invalid = events.stream().filter(e -> e.getModelId().equals(SPREAD)).count() - valid;
    long keyed = events.stream().filter(e -> e.getModelId().equals(KEYED) && valid(e)).count();

    // a dead instance leaves the group after the session timeout: 10 s instead of 45
    Path streamsConfig = Files.writeString(base.resolve("streams.properties"), "session.timeout.ms=10000\n");
    Map<String, String> environment = new HashMap<>();
    topics.forEach((key, topic) -> environment.put(Settings.environmentName(key), topic));
    environment.put(Settings.environmentName(LearnerConfig.SNAPSHOT_INTERVAL_MS), "300");
    String topic = config.eventsTopic();
    Process a = learner(bootstrap, base, environment, streamsConfig, "a", 0);
    Process b = learner(bootstrap, base, environment, streamsConfig, "b", 0);
    Process c = null;
    try {
      // the events arrive at 2,000 a second while the learners run: a stream, paced by the learners' starts, so that
      // a JVM slow to start or to rejoin on a busy machine does not turn a share of it into a backlog that one learner
      // takes between a few merges (docs/BENCHMARKS.md, "Data-parallel learning", has that case)
      awaitRunning(base, "a", 0);
      awaitRunning(base, "b", 0);
      Thread first = new Thread(() -> produce(bootstrap, topic, events.subList(0, 8_000), 4, 4_000), "producer");
      first.start();
      Thread.sleep(3500);
      b.destroyForcibly();  // SIGKILL mid-stream: no commit, no flush, no leaving the group
      assertTrue(b.waitFor(30, TimeUnit.SECONDS));
      first.join();
      Thread.sleep(1000);
      b = learner(bootstrap, base, environment, streamsConfig, "b", 1);
      awaitRunning(base, "b", 1);
      produce(bootstrap, topic, events.subList(8_000, 13_000), 4, 2_500);
      c = learner(bootstrap, base, environment, streamsConfig, "c", 0);
      awaitRunning(base, "c", 0);
      produce(bootstrap, topic, events.subList(13_000, 21_000), 4, 4_000);
      c.destroy();  // leaves the group: its tasks move back to a and b
      assertTrue(c.waitFor(60, TimeUnit.SECONDS));
      produce(bootstrap, topic, events.subList(21_000, EVENTS), 4, 1_500);

      Map<String, Long> expected = Map.of(SPREAD, valid, KEYED, keyed);
      Map<String, Long> learned = RebalanceTest.awaitLearned(bootstrap, config, expected, Duration.ofMinutes(3));
      Thread.sleep(2000);  // a wrongly repeated delta would show by now
      learned = RebalanceTest.awaitLearned(bootstrap, config, expected, Duration.ofSeconds(5));
      assertEquals(expected, learned, "every valid event counts once in the merged model");
      Map<String, ModelSnapshot> latest = latest(bootstrap, config.snapshotsTopic());
      assertEquals(invalid, latest.get(SPREAD).getDeadLetters(), "dead letters of every partition");
      assertVersionsNeverGoBack(bootstrap, config.snapshotsTopic());
      Map<String, Long> summarized = new HashMap<>();
      long merges = 0;
      for (ConsumerRecord<String, byte[]> record : CommittedRecords.read(bootstrap, config.metricsTopic())) {
        TrainingMetrics m = Serdes.trainingMetrics().deserialize(record.topic(), record.value());
        summarized.merge(m.getModelId(), m.getExamples(), Long::sum);
        merges += m.getModelId().equals(SPREAD) ? m.getMerges() : 0;
      }
      assertEquals(expected, summarized, "every example in exactly one published summary");
      // the three partitions other than the home's learn replicas: each sends a delta at least once, however fast
      // its learner got through its share (a learner that starts late takes a backlog in a few round trips)
      assertTrue(merges >= 3, "replicas' deltas merged: " + merges);

      ModelSnapshot single = learnAlone(bootstrap, base, events, valid);
      List<LabelledEvent> holdout = events(5_000, 99, false);
      double parallelLoss = logLoss(SnapshotCodec.model(latest.get(SPREAD)), holdout);
      double singleLoss = logLoss(SnapshotCodec.model(single), holdout);
      System.out.printf("held-out log loss: merged %.4f, one learner %.4f; prequential: merged %.4f, one learner %.4f%n",
          parallelLoss, singleLoss, latest.get(SPREAD).getMetrics().getLogLoss(), single.getMetrics().getLogLoss());
      assertTrue(Math.abs(parallelLoss - singleLoss) <= 0.01,
          "merged model's log loss " + parallelLoss + " against one learner's " + singleLoss);
    } finally {
      for (Process p : new Process[] {a, b, c}) {
        if (p != null) {
          p.destroy();
          p.waitFor(30, TimeUnit.SECONDS);
        }
      }
    }
  }

  private static Process learner(String bootstrap, Path base, Map<String, String> environment, Path streamsConfig,
      String name, int attempt) throws Exception {
    Path state = Files.createDirectories(base.resolve("state-" + name));
    return CommandRun.start(environment, base.resolve("learner-" + name + "-" + attempt + ".log"), "learn",
        "--bootstrap", bootstrap, "--application-id", "parallel-test", "--state-dir", state.toString(),
        "--batch", "fixed:16", "--config", streamsConfig.toString(), "--quiet");
  }

  private static void awaitRunning(Path base, String name, int attempt) throws InterruptedException {
    Path log = base.resolve("learner-" + name + "-" + attempt + ".log");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!CommandRun.errOf(log).contains("-> RUNNING")) {
      assertTrue(System.nanoTime() < deadline, "learner " + name + " never ran: " + CommandRun.errOf(log));
      Thread.sleep(100);
    }
  }

  /** One learner on one partition over the same events, keyed by model id: the reference. */
  private static ModelSnapshot learnAlone(String bootstrap, Path base, List<LabelledEvent> events, long valid)
      throws Exception {
    Map<String, Object> settings = PipelineRun.learnerSettings(bootstrap, Files.createTempDirectory(base, "alone-"),
        "fixed:16");
    settings.put(LearnerConfig.EVENTS_TOPIC, "events-alone");
    settings.put(LearnerConfig.SNAPSHOTS_TOPIC, "snapshots-alone");
    settings.put(LearnerConfig.METRICS_TOPIC, "metrics-alone");
    settings.put(LearnerConfig.DEAD_LETTER_TOPIC, "dlq-alone");
    settings.put(StreamsConfig.APPLICATION_ID_CONFIG, "parallel-test-alone");
    LearnerConfig config = new LearnerConfig(settings);
    TopicSetup.ensureTopics(bootstrap, config, 1);
    produce(bootstrap, config.eventsTopic(), events.stream().filter(e -> e.getModelId().equals(SPREAD)).toList(), 0, 0);
    PipelineRun.awaitExamples(settings, config, bootstrap, SPREAD, valid, Duration.ofMinutes(2));
    return latest(bootstrap, config.snapshotsTopic()).get(SPREAD);
  }

  /**
   * A logistic concept over four features with noisy labels; a second model's events every tenth, and, when
   * {@code invalid}, an event with a NaN feature every 101st.
   */
  private static List<LabelledEvent> events(int n, long seed, boolean withOthers) {
    Random random = new Random(seed);
    List<LabelledEvent> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double[] x = new double[TEACHER.length];
      double z = 0.2;
      for (int j = 0; j < x.length; j++) {
        x[j] = random.nextGaussian();
        z += TEACHER[j] * x[j];
      }
      double label = random.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
      if (withOthers && i % 101 == 100) {
        x[1] = Double.NaN;
      }
      String model = withOthers && i % 10 == 9 ? KEYED : SPREAD;
      events.add(LabelledEvent.newBuilder().setModelId(model).setEventId("e" + i).setEventTime(Instant.now())
          .setFeatures(new DenseFeatures(java.util.Arrays.stream(x).boxed().toList())).setLabel(label).build());
    }
    return events;
  }

  private static boolean valid(LabelledEvent e) {
    return ((DenseFeatures) e.getFeatures()).getValues().stream().allMatch(Double::isFinite);
  }

  /**
   * Sends the events over {@code millis} (0: at once): the spread model's to every one of {@code partitions} in turn
   * without a key (0 partitions: keyed by model id), the keyed model's keyed by its id.
   */
  private static void produce(String bootstrap, String topic, List<LabelledEvent> events, int partitions, long millis) {
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 5,
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all"),
        new StringSerializer(), new ByteArraySerializer())) {
      long start = System.nanoTime();
      for (int i = 0; i < events.size(); i++) {
        LabelledEvent event = events.get(i);
        byte[] value = Serdes.labelledEvent().serialize(topic, event);
        boolean spread = partitions > 0 && event.getModelId().equals(SPREAD);
        producer.send(spread ? new ProducerRecord<>(topic, i % partitions, null, value)
            : new ProducerRecord<>(topic, event.getModelId(), value));
        long due = start + TimeUnit.MILLISECONDS.toNanos(millis) * i / events.size();
        long wait = due - System.nanoTime();
        if (wait > 1_000_000) {
          Thread.sleep(wait / 1_000_000);
        }
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static double logLoss(OnlineModel model, List<LabelledEvent> events) {
    double sum = 0;
    for (LabelledEvent e : events) {
      double[] x = ((DenseFeatures) e.getFeatures()).getValues().stream().mapToDouble(Double::doubleValue).toArray();
      double p = Math.min(1 - 1e-12, Math.max(1e-12, model.predict(x)[0]));
      sum -= e.getLabel() == 1 ? Math.log(p) : Math.log(1 - p);
    }
    return sum / events.size();
  }

  private static Map<String, ModelSnapshot> latest(String bootstrap, String topic) {
    return new SnapshotFollower(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), topic)
        .readToEnd(Duration.ofSeconds(30));
  }

  private static void assertVersionsNeverGoBack(String bootstrap, String topic) {
    Map<String, Long> lastVersion = new HashMap<>();
    Map<String, Long> lastExamples = new HashMap<>();
    for (ConsumerRecord<String, byte[]> record : CommittedRecords.read(bootstrap, topic)) {
      ModelSnapshot s = Serdes.modelSnapshot().deserialize(record.topic(), record.value());
      Long previous = lastVersion.put(s.getModelId(), s.getVersion());
      assertTrue(previous == null || s.getVersion() > previous,
          "version of " + s.getModelId() + " went from " + previous + " to " + s.getVersion());
      Long previousExamples = lastExamples.put(s.getModelId(), s.getExamplesSeen());
      assertTrue(previousExamples == null || s.getExamplesSeen() >= previousExamples, "examples seen never go back");
    }
  }
}
