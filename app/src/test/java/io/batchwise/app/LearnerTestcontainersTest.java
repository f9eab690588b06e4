package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/** The learner against the official apache/kafka image; skipped where no Docker engine runs. */
@DockerEngine
@Testcontainers
class LearnerTestcontainersTest {
  @Container
  static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0");

  @TempDir
  Path stateDir;

  @Test
  void learnsEveryEventFromTheContainerBroker() throws Exception {
    long learned = PipelineRun.learnSyntheticEvents(KAFKA.getBootstrapServers(), stateDir, 2000, Duration.ofMinutes(2));
    assertEquals(2000, learned);
  }
}
