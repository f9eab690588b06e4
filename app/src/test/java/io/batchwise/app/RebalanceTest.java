package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.batchwise.client.SnapshotFollower;
import io.batchwise.learner.stream.LearnerConfig;
import io.batchwise.learner.stream.StreamingLearner;
import io.batchwise.schemas.ModelSnapshot;

/** Two learner instances with one application id split the models; the survivor takes over. */
class RebalanceTest {
  @RegisterExtension
  static final TestKafkaCluster kafka = new TestKafkaCluster();

  @Test
  void twoInstancesShareTheWorkAndTheSurvivorTakesOver() throws Exception {
    String bootstrap = kafka.bootstrapServers();
    Path base = Files.createDirectories(Path.of("target", "rebalance-test")).toAbsolutePath();
    Map<String, Object> settings = PipelineRun.learnerSettings(bootstrap, Files.createTempDirectory(base, "a-"), "fixed:8");
    settings.put(StreamsConfig.APPLICATION_ID_CONFIG, "rebalance-test");
    LearnerConfig config = new LearnerConfig(settings);
    TopicSetup.ensureTopics(bootstrap, config, 4);
    Map<String, Object> settingsB = new java.util.HashMap<>(settings);
    settingsB.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(base, "b-").toString());

    TestEvents events = new TestEvents(bootstrap, config.eventsTopic(), 8, 8);
    Thread producer = new Thread(events, "producer");
    producer.start();
    try (StreamingLearner a = StreamingLearner.start(settings);
         StreamingLearner b = StreamingLearner.start(settingsB)) {
      awaitRunningWithTasks(a);
      awaitRunningWithTasks(b);
      Thread.sleep(2000);
      a.close();  // the other instance must take over a's partitions and their pending batches
      producer.join();
      assertEquals(0, events.failed(), events.firstFailure());
      Map<String, Long> expected = events.acknowledged();
      Map<String, Long> learned = awaitLearned(bootstrap, config, expected, Duration.ofMinutes(2));
      assertEquals(expected, learned);
      assertFalse(b.streams().metadataForLocalThreads().iterator().next().activeTasks().isEmpty());
    }
  }

  private static void awaitRunningWithTasks(StreamingLearner learner) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (learner.state() == KafkaStreams.State.RUNNING
          && !learner.streams().metadataForLocalThreads().iterator().next().activeTasks().isEmpty()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("instance did not get any task: " + learner.state());
  }

  static Map<String, Long> awaitLearned(String bootstrap, LearnerConfig config, Map<String, Long> expected,
      Duration timeout) throws InterruptedException {
    Map<String, Long> learned = new TreeMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      learned.clear();
      Map<String, ModelSnapshot> latest = new SnapshotFollower(
          Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), config.snapshotsTopic())
          .readToEnd(Duration.ofSeconds(30));
      latest.forEach((model, s) -> learned.put(model, s.getExamplesSeen()));
      if (learned.equals(expected)) {
        return learned;
      }
      Thread.sleep(500);
    }
    return learned;
  }
}
