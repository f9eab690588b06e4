package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The learner end to end against a real in-process KRaft broker (Kafka's KafkaClusterTestKit). */
class LearnerIntegrationTest {
  private static TestKafkaCluster kafka;

  @TempDir
  Path stateDir;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = TestKafkaCluster.start();
  }

  @AfterAll
  static void stopKafka() throws Exception {
    kafka.close();
  }

  @Test
  void learnsEverySyntheticEvent() throws Exception {
    assertEquals(3000, PipelineRun.learnSyntheticEvents(kafka.bootstrapServers(), stateDir, 3000, Duration.ofMinutes(2)));
  }
}
