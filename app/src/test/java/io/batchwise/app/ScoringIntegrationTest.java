package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.batchwise.client.SnapshotScorer;
import io.batchwise.learner.snapshot.SnapshotCodec;
import io.batchwise.schemas.ModelSnapshot;

/** score and serve against a real broker, with snapshots the real learner published. */
class ScoringIntegrationTest {
  @RegisterExtension
  static final TestKafkaCluster kafka = new TestKafkaCluster();
  private static SnapshotScorer scorer;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path stateDir;

  @BeforeAll
  static void learnAModel() throws Exception {
    assertEquals(1000, PipelineRun.learnSyntheticEvents(kafka.bootstrapServers(), stateDir, 1000, Duration.ofMinutes(2)));
    scorer = SnapshotScorer.follow(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        "model-snapshots");
    assertTrue(scorer.awaitModel("it", Duration.ofSeconds(30)));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (scorer.latest("it").get().getExamplesSeen() < 1000 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  @AfterAll
  static void stop() {
    scorer.close();
  }

  @Test
  void scorerAnswersAsTheSnapshotsModel() {
    ModelSnapshot latest = scorer.latest("it").orElseThrow();
    double[] x = {0.7, -1.2};
    SnapshotScorer.Prediction p = scorer.score("it", x);
    assertEquals(latest.getVersion(), p.version());
    ClientScoringTest.assertAgrees(SnapshotCodec.model(latest).predict(x), p.outputs(), 1e-6, "the learner's model");
    assertTrue(scorer.score("it", new double[] {3, 3}).outputs()[0] > 0.5, "learned x0 + x1/2 > 0 means 1");
  }

  @Test
  void scoreCommandPrintsOnePredictionPerLineWithTheVersion() throws Exception {
    ScoreCommand command = new ScoreCommand();
    command.modelId = "it";
    command.labelColumn = "y";
    String input = "a,b,y\n3,3,1\n-3,-3,0\n1,oops,1\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = command.score(scorer, new BufferedReader(new StringReader(input)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(1, exit, "a bad line makes the exit code 1");
    String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
    assertEquals(2, lines.length);
    JsonNode first = JSON.readTree(lines[0]);
    assertEquals(1.0, first.get("prediction").asDouble());
    assertEquals(scorer.latest("it").get().getVersion(), first.get("version").asLong());
    assertEquals(0.0, JSON.readTree(lines[1]).get("prediction").asDouble());
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("line 4"), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void serveAnswersModelsAndPredictions() throws Exception {
    HttpServer server = new ServeCommand().start(scorer, new InetSocketAddress("127.0.0.1", 0));
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> models = http.send(HttpRequest.newBuilder(URI.create(base + "/models")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, models.statusCode());
      assertEquals("it", JSON.readTree(models.body()).get(0).get("modelId").asText());

      HttpResponse<String> one = http.send(HttpRequest.newBuilder(URI.create(base + "/models/it")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(1000, JSON.readTree(one.body()).get("examplesSeen").asLong());

      HttpResponse<String> predicted = http.send(HttpRequest.newBuilder(URI.create(base + "/models/it/predict"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"instances\": [[3, 3], [-3, -3]]}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, predicted.statusCode(), predicted.body());
      JsonNode body = JSON.readTree(predicted.body());
      assertEquals(1.0, body.get("predictions").get(0).asDouble());
      assertEquals(0.0, body.get("predictions").get(1).asDouble());
      assertEquals(scorer.latest("it").get().getVersion(), body.get("version").asLong());

      HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(base + "/models/it/predict"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"features\": [1]}")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(400, bad.statusCode());
      HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create(base + "/models/nope")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(404, unknown.statusCode());
    } finally {
      server.stop(0);
    }
  }
}
