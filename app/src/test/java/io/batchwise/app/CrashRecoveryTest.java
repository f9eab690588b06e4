package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.batchwise.client.SnapshotFollower;
import io.batchwise.learner.stream.LearnerConfig;
import io.batchwise.schemas.DenseFeatures;
import io.batchwise.schemas.LabelledEvent;
import io.batchwise.schemas.ModelSnapshot;
import io.batchwise.schemas.Serdes;
import io.batchwise.schemas.TrainingMetrics;

/**
 * Exactly-once across crashes: the learner runs in a child JVM that is killed with SIGKILL mid-stream,
 * several times, and restarted. Every valid event must be learned exactly once (after each restart the learner
 * reads back from the events topic what its checkpoints lacked), summarized exactly once in the metrics topic,
 * every invalid one dead-lettered exactly once, and no snapshot version may ever go back. On a logistic model and
 * on an MLP, whose checkpoints are float32 and a hundred times larger.
 */
class CrashRecoveryTest {
  private static final int MODELS = 3;
  @RegisterExtension
  static final TestKafkaCluster kafka = new TestKafkaCluster();

  @ParameterizedTest
  @ValueSource(strings = {"logistic", "mlp:64,32"})
  void everyEventCountsExactlyOnceAcrossSigkills(String modelSpec) throws Exception {
    String bootstrap = kafka.bootstrapServers();
    String run = modelSpec.replaceAll("[^a-z0-9]", "");
    Path stateDir = Files.createDirectories(Path.of("target", "crash-test-state-" + run)).toAbsolutePath();
    Map<String, String> topics = Map.of(LearnerConfig.EVENTS_TOPIC, "events-" + run,
        LearnerConfig.SNAPSHOTS_TOPIC, "snapshots-" + run, LearnerConfig.METRICS_TOPIC, "metrics-" + run,
        LearnerConfig.DEAD_LETTER_TOPIC, "dlq-" + run);
    LearnerConfig config = new LearnerConfig(topics);
    TopicSetup.ensureTopics(bootstrap, config, 2);
    Learners learners = new Learners(bootstrap, stateDir, modelSpec, run, topics);

    Map<String, Long> valid = new HashMap<>();
    Random random = new Random(11);
    long[] invalidCount = new long[2];  // [0]: decodable but invalid, [1]: undecodable
    Thread producerThread = new Thread(() -> produce(bootstrap, config, random, valid, invalidCount), "producer");
    producerThread.start();

    for (int crash = 0; crash < 3; crash++) {
      Process learner = learners.start(crash);
      Thread.sleep(2500 + random.nextInt(1500));
      learner.destroyForcibly();  // SIGKILL: no shutdown hook, no commit, no flush
      assertTrue(learner.waitFor(30, TimeUnit.SECONDS));
    }
    producerThread.join();
    long invalidOfModels = invalidCount[0];
    long undecodable = invalidCount[1];

    Process learner = learners.start(99);
    try {
      Map<String, ModelSnapshot> latest = awaitLatest(bootstrap, config, valid, Duration.ofMinutes(3));
      for (Map.Entry<String, Long> e : valid.entrySet()) {
        assertEquals(e.getValue(), latest.get(e.getKey()).getExamplesSeen(), "examples seen of " + e.getKey());
      }
      long deadLettersOnModels = latest.values().stream().mapToLong(ModelSnapshot::getDeadLetters).sum();
      assertEquals(invalidOfModels + undecodable, deadLettersOnModels, "dead letters counted on the models their keys name");
      assertEquals(invalidOfModels + undecodable, countCommitted(bootstrap, config.deadLetterTopic()),
          "dead-letter records");
      assertVersionsNeverGoBack(bootstrap, config);
      Map<String, Long> summarized = new HashMap<>();
      for (ConsumerRecord<String, byte[]> record : CommittedRecords.read(bootstrap, config.metricsTopic())) {
        TrainingMetrics m = Serdes.trainingMetrics().deserialize(record.topic(), record.value());
        summarized.merge(m.getModelId(), m.getExamples(), Long::sum);
      }
      assertEquals(valid, summarized, "every example in exactly one published summary");
    } finally {
      learner.destroy();
      learner.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static void produce(String bootstrap, LearnerConfig config, Random random, Map<String, Long> valid,
      long[] invalid) {
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 5),
        new StringSerializer(), new ByteArraySerializer())) {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(9);
      int i = 0;
      while (System.nanoTime() < end) {
        String model = "m" + (i % MODELS);
        byte[] value;
        if (i % 97 == 0) {
          value = ("garbage " + i).getBytes(StandardCharsets.UTF_8);
          invalid[1]++;
        } else {
          double x0 = random.nextGaussian();
          double x1 = i % 89 == 0 ? Double.NaN : random.nextGaussian();
          if (Double.isNaN(x1)) {
            invalid[0]++;
          } else {
            valid.merge(model, 1L, Long::sum);
          }
          LabelledEvent event = LabelledEvent.newBuilder().setModelId(model).setEventId("e" + i)
              .setEventTime(Instant.now()).setFeatures(new DenseFeatures(List.of(x0, x1, 1.0)))
              .setLabel(x0 - x1 > 0 ? 1 : 0).build();
          value = Serdes.labelledEvent().serialize("", event);
        }
        producer.send(new ProducerRecord<>(config.eventsTopic(), model, value));
        i++;
        if (i % 50 == 0) {
          Thread.sleep(5);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts learner JVMs for one model kind, each on the same application id, state folder and topics. */
  private record Learners(String bootstrap, Path stateDir, String modelSpec, String run, Map<String, String> topics) {
    Process start(int attempt) throws Exception {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
          "io.batchwise.app.Main", "learn", "--bootstrap", bootstrap, "--application-id", "crash-test-" + run,
          "--state-dir", stateDir.toString(), "--batch", "fixed:16", "--partitions", "2", "--model-spec", modelSpec));
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().put("OMP_NUM_THREADS", "1");
      builder.environment().put("BATCHWISE_SNAPSHOT_INTERVAL_MS", "200");
      topics.forEach((key, topic) -> builder.environment().put(Settings.environmentName(key), topic));
      File log = Path.of("target", "crash-test-" + run + "-learner-" + attempt + ".log").toFile();
      builder.redirectErrorStream(true).redirectOutput(log);
      return builder.start();
    }
  }

  private static Map<String, ModelSnapshot> awaitLatest(String bootstrap, LearnerConfig config, Map<String, Long> valid,
      Duration timeout) throws InterruptedException {
    Map<String, ModelSnapshot> latest = Map.of();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      latest = readLatest(bootstrap, config);
      Map<String, ModelSnapshot> current = latest;
      if (valid.entrySet().stream().allMatch(e -> current.containsKey(e.getKey())
          && current.get(e.getKey()).getExamplesSeen() >= e.getValue())) {
        Thread.sleep(1500);  // give a wrongly repeated update the time to show up, were there one
        return readLatest(bootstrap, config);
      }
      Thread.sleep(500);
    }
    return latest;
  }

  private static Map<String, ModelSnapshot> readLatest(String bootstrap, LearnerConfig config) {
    return new SnapshotFollower(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), config.snapshotsTopic())
        .readToEnd(Duration.ofSeconds(30));
  }

  private static long countCommitted(String bootstrap, String topic) {
    return CommittedRecords.read(bootstrap, topic).size();
  }

  private static void assertVersionsNeverGoBack(String bootstrap, LearnerConfig config) {
    Map<String, Long> lastVersion = new HashMap<>();
    Map<String, Long> lastExamples = new HashMap<>();
    for (ConsumerRecord<String, byte[]> record : CommittedRecords.read(bootstrap, config.snapshotsTopic())) {
      ModelSnapshot s = Serdes.modelSnapshot().deserialize(record.topic(), record.value());
      Long previous = lastVersion.put(s.getModelId(), s.getVersion());
      assertTrue(previous == null || s.getVersion() > previous,
          "version of " + s.getModelId() + " went from " + previous + " to " + s.getVersion());
      Long previousExamples = lastExamples.put(s.getModelId(), s.getExamplesSeen());
      assertTrue(previousExamples == null || s.getExamplesSeen() >= previousExamples, "examples seen never go back");
    }
  }
}
