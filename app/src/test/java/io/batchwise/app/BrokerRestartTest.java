package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.batchwise.app.broker.EmbeddedKafkaBroker;
import io.batchwise.learner.stream.LearnerConfig;
import io.batchwise.learner.stream.StreamingLearner;

/** The broker goes down mid-stream and comes back on the same port with the same data. */
class BrokerRestartTest {
  @Test
  void learnerAndProducerRideThroughABrokerRestart() throws Exception {
    Path base = Files.createDirectories(Path.of("target", "broker-restart-test")).toAbsolutePath();
    Path brokerDir = Files.createTempDirectory(base, "broker-");
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(port, brokerDir);
    try {
      String bootstrap = broker.bootstrapServers();
      Map<String, Object> settings = PipelineRun.learnerSettings(bootstrap, Files.createTempDirectory(base, "state-"),
          "fixed:8");
      LearnerConfig config = new LearnerConfig(settings);
      TopicSetup.ensureTopics(bootstrap, config, 2);
      TestEvents events = new TestEvents(bootstrap, config.eventsTopic(), 3, 8);
      Thread producer = new Thread(events, "producer");
      try (StreamingLearner learner = StreamingLearner.start(settings)) {
        producer.start();
        Thread.sleep(3000);
        broker.close();
        Thread.sleep(2000);
        broker = EmbeddedKafkaBroker.start(port, brokerDir);
        producer.join();
        assertEquals(0, events.failed(), "the idempotent producer retries through the restart: " + events.firstFailure());
        Map<String, Long> expected = events.acknowledged();
        assertEquals(expected, RebalanceTest.awaitLearned(bootstrap, config, expected, Duration.ofMinutes(3)));
      }
    } finally {
      broker.close();
    }
  }
}
