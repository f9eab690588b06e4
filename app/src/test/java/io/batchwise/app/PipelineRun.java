package io.batchwise.app;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;

import io.batchwise.client.SnapshotFollower;
import io.batchwise.learner.stream.LearnerConfig;
import io.batchwise.learner.stream.StreamingLearner;
import io.batchwise.schemas.DenseFeatures;
import io.batchwise.schemas.LabelledEvent;
import io.batchwise.schemas.ModelSnapshot;
import io.batchwise.schemas.Serdes;

/** Runs the real learner against a broker until a model has learned a given number of events. */
final class PipelineRun {
  private PipelineRun() {
  }

  static Map<String, Object> learnerSettings(String bootstrap, Path stateDir, String policy) {
    Map<String, Object> settings = new HashMap<>();
    settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    settings.put(StreamsConfig.APPLICATION_ID_CONFIG, "it-" + System.nanoTime());
    settings.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    settings.put(LearnerConfig.BATCH_POLICY, policy);
    settings.put(LearnerConfig.BATCH_MAX_LATENCY_MS, 200L);
    settings.put(LearnerConfig.SNAPSHOT_INTERVAL_MS, 300L);
    return settings;
  }

  /** Produces n events of a noisy linear concept for model "it", learns them, returns examplesSeen. */
  static long learnSyntheticEvents(String bootstrap, Path stateDir, int n, Duration timeout) throws Exception {
    return learnSyntheticEvents(bootstrap, stateDir, n, timeout, Map.of(), 0);
  }

  /**
   * As {@link #learnSyntheticEvents(String, Path, int, Duration)}, with learner settings of the caller's; with
   * {@code pauseMillis > 0} the events arrive 20 at a time with that pause between, while the learner runs, so
   * that it learns (and publishes) in many small steps.
   */
  static long learnSyntheticEvents(String bootstrap, Path stateDir, int n, Duration timeout,
      Map<String, Object> learnerSettings, long pauseMillis) throws Exception {
    Map<String, Object> settings = learnerSettings(bootstrap, stateDir, "fixed:16");
    settings.putAll(learnerSettings);
    LearnerConfig config = new LearnerConfig(settings);
    TopicSetup.ensureTopics(bootstrap, config, 1);
    if (pauseMillis == 0) {
      produce(bootstrap, config.eventsTopic(), n, 0);
      return awaitExamples(settings, config, bootstrap, "it", n, timeout);
    }
    Thread producer = new Thread(() -> produce(bootstrap, config.eventsTopic(), n, pauseMillis), "it-producer");
    producer.start();
    try {
      return awaitExamples(settings, config, bootstrap, "it", n, timeout);
    } finally {
      producer.join();
    }
  }

  private static void produce(String bootstrap, String topic, int n, long pauseMillis) {
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(),
        new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      Random random = new Random(1);
      for (int i = 0; i < n; i++) {
        double x0 = random.nextGaussian();
        double x1 = random.nextGaussian();
        LabelledEvent event = LabelledEvent.newBuilder().setModelId("it").setEventId("e" + i)
            .setEventTime(Instant.now()).setFeatures(new DenseFeatures(List.of(x0, x1)))
            .setLabel(x0 + 0.5 * x1 + 0.3 * random.nextGaussian() > 0 ? 1 : 0).build();
        producer.send(new ProducerRecord<>(topic, "it", Serdes.labelledEvent().serialize("", event)));
        if (pauseMillis > 0 && i % 20 == 19) {
          producer.flush();
          Thread.sleep(pauseMillis);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static long awaitExamples(Map<String, Object> settings, LearnerConfig config, String bootstrap, String model,
      long expected, Duration timeout) throws InterruptedException {
    try (StreamingLearner learner = StreamingLearner.start(settings);
         SnapshotFollower follower = new SnapshotFollower(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
             config.snapshotsTopic()).start()) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        ModelSnapshot latest = follower.latest(model).orElse(null);
        if (latest != null && latest.getExamplesSeen() >= expected) {
          return latest.getExamplesSeen();
        }
        Thread.sleep(100);
      }
      return follower.latest(model).map(ModelSnapshot::getExamplesSeen).orElse(0L);
    }
  }
}
