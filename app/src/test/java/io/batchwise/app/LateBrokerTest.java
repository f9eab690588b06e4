package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.batchwise.app.broker.EmbeddedKafkaBroker;
import io.batchwise.client.SnapshotFollower;
import io.batchwise.schemas.ModelSnapshot;

/**
 * Patient start-up: learn, serve and ingest started 20 s before their broker (as compose or an orchestrator
 * may start them) wait for it, printing one line, and then do their work: every event is learned exactly once.
 */
class LateBrokerTest {
  private static final long EVENTS = 4000;

  @Test
  void commandsStartedBeforeTheirBrokerWaitForItAndEveryEventIsLearnedOnce() throws Exception {
    Path base = Files.createDirectories(Path.of("target", "late-broker-test")).toAbsolutePath();
    int kafkaPort = freePort();
    int httpPort = freePort();
    String bootstrap = "127.0.0.1:" + kafkaPort;
    Map<String, String> environment = Map.of(Settings.BOOTSTRAP_ENV, bootstrap,
        "BATCHWISE_SNAPSHOT_INTERVAL_MS", "200");
    Path learnerLog = base.resolve("learner.log");
    Path serveLog = base.resolve("serve.log");
    Path ingestLog = base.resolve("ingest.log");
    Process learner = CommandRun.start(environment, learnerLog, "learn", "--batch", "fixed:16",
        "--state-dir", Files.createTempDirectory(base, "state-").toString());
    Process serve = CommandRun.start(environment, serveLog, "serve", "--host", "127.0.0.1",
        "--port", String.valueOf(httpPort));
    Process ingest = CommandRun.start(environment, ingestLog, "ingest", "--synthetic",
        "separable:d=4,n=" + EVENTS, "--model", "late");
    EmbeddedKafkaBroker broker = null;
    try {
      // 20 s at least, and until all three JVMs are up and waiting (a loaded machine starts them slowly)
      long started = System.nanoTime();
      while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(20)
          || System.nanoTime() - started < TimeUnit.SECONDS.toNanos(90) && !List.of(learnerLog, serveLog, ingestLog)
              .stream().allMatch(log -> CommandRun.errOf(log).contains("waiting for Kafka"))) {
        Thread.sleep(200);
      }
      for (Path log : List.of(learnerLog, serveLog, ingestLog)) {
        String waiting = CommandRun.errOf(log);
        assertTrue(waiting.lines().filter(line -> line.contains("waiting for Kafka at " + bootstrap)).count() == 1,
            log.getFileName() + " says once that it waits: " + waiting);
      }
      assertTrue(learner.isAlive() && serve.isAlive() && ingest.isAlive(), "all three still wait");

      broker = EmbeddedKafkaBroker.start(kafkaPort, null);
      assertTrue(ingest.waitFor(3, TimeUnit.MINUTES), "ingest ends");
      assertEquals(0, ingest.exitValue(), CommandRun.errOf(ingestLog));
      assertTrue(Files.readString(ingestLog).contains("published 4,000 events"), Files.readString(ingestLog));

      assertEquals(EVENTS, awaitExamples(bootstrap, EVENTS), () -> "learner: " + CommandRun.errOf(learnerLog));
      Thread.sleep(2000);  // time for a wrongly repeated update to show, were there one
      assertEquals(EVENTS, awaitExamples(bootstrap, EVENTS), "every event learned exactly once");
      String models = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + httpPort + "/models")).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(models.contains("\"late\""), "serve follows the snapshots: " + models);
    } finally {
      for (Process process : List.of(learner, serve, ingest)) {
        process.destroy();
        process.waitFor(60, TimeUnit.SECONDS);
      }
      if (broker != null) {
        broker.close();
      }
    }
  }

  /** The model's examples seen once it has learned {@code expected} (or after three minutes). */
  private static long awaitExamples(String bootstrap, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    long seen = 0;
    while (System.nanoTime() < deadline) {
      ModelSnapshot latest;
      try {
        latest = new SnapshotFollower(Map.of("bootstrap.servers", bootstrap), "model-snapshots")
            .readToEnd(Duration.ofSeconds(30)).get("late");
      } catch (IllegalStateException topicNotYetCreated) {
        // ingest may finish before the learner, started as late, has created the snapshots topic
        latest = null;
      }
      seen = latest == null ? 0 : latest.getExamplesSeen();
      if (seen >= expected) {
        return seen;
      }
      Thread.sleep(500);
    }
    return seen;
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
