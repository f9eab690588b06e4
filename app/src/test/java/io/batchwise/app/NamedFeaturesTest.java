package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.batchwise.app.serve.ScoringServer;
import io.batchwise.app.serve.ServeConfig;
import io.batchwise.client.SnapshotScorer;
import io.batchwise.learner.stream.LearnerConfig;

/** Feature names from a CSV header, through ingest, the learner and its snapshots, to score and serve by name. */
class NamedFeaturesTest {
  @RegisterExtension
  static final TestKafkaCluster kafka = new TestKafkaCluster();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ROWS = 1500;

  @TempDir
  static Path dir;

  private static SnapshotScorer scorer;

  @BeforeAll
  static void ingestANamedFileAndLearnIt() throws Exception {
    Path file = dir.resolve("prices.csv");
    StringBuilder csv = new StringBuilder("nswprice,class,vicdemand\n");
    Random random = new Random(7);
    for (int i = 0; i < ROWS; i++) {
      double price = random.nextGaussian();
      double demand = random.nextGaussian();
      csv.append(price).append(',').append(price - 0.5 * demand > 0 ? 1 : 0).append(',').append(demand).append('\n');
    }
    Files.writeString(file, csv);
    assertEquals(0, Main.run("ingest", "--bootstrap", kafka.bootstrapServers(), "--data", file.toString(), "--label",
        "class", "--model", "prices"));
    Map<String, Object> settings = PipelineRun.learnerSettings(kafka.bootstrapServers(), dir, "fixed:16");
    LearnerConfig config = new LearnerConfig(settings);
    TopicSetup.ensureTopics(kafka.bootstrapServers(), config, 1);
    assertEquals(ROWS, PipelineRun.awaitExamples(settings, config, kafka.bootstrapServers(),
        "prices", ROWS, Duration.ofMinutes(2)));
    scorer = SnapshotScorer.follow(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        "model-snapshots");
    assertTrue(scorer.awaitCaughtUp(Duration.ofSeconds(30)));
  }

  @AfterAll
  static void stop() {
    scorer.close();
  }

  @Test
  void theSnapshotKnowsItsFeaturesNames() {
    assertEquals(List.of("nswprice", "vicdemand"), scorer.latest("prices").orElseThrow().getFeatureNames());
  }

  private record Output(int exit, List<JsonNode> predictions, String err) {
  }

  private static Output score(String label, String input) throws Exception {
    ScoreCommand command = new ScoreCommand();
    command.modelId = "prices";
    command.labelColumn = label;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = command.score(scorer, new BufferedReader(new StringReader(input)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    List<JsonNode> predictions = out.toString(StandardCharsets.UTF_8).lines().map(line -> {
      try {
        return JSON.readTree(line);
      } catch (java.io.IOException e) {
        throw new AssertionError(line, e);
      }
    }).toList();
    return new Output(exit, predictions, err.toString(StandardCharsets.UTF_8));
  }

  private static double output(JsonNode prediction) {
    return prediction.get("outputs").get(0).asDouble();
  }

  @Test
  void scoreMatchesColumnsAndFieldsByName() throws Exception {
    double expected = scorer.score("prices", new double[] {0.8, -0.3}).outputs()[0];
    Output byPosition = score(null, "0.8,-0.3\n");
    Output csv = score("class", "vicdemand,class,nswprice\n-0.3,1,0.8\n");
    Output json = score("class", "{\"vicdemand\": -0.3, \"nswprice\": 0.8, \"class\": 1}\n"
        + "{\"features\": {\"nswprice\": 0.8, \"vicdemand\": -0.3}}\n");
    assertEquals(0, csv.exit() + json.exit() + byPosition.exit(), csv.err() + json.err() + byPosition.err());
    for (JsonNode p : List.of(byPosition.predictions().get(0), csv.predictions().get(0), json.predictions().get(0),
        json.predictions().get(1))) {
      assertEquals(expected, output(p), 0.0);
    }
  }

  @Test
  void scoreSaysWhichNameIsMissingOrUnknown() throws Exception {
    assertEquals("score: line 1: feature 'vicdemand' is missing (the model takes 2)\n"
        + "score: line 2: unknown feature 'demand' (the model's features: nswprice, vicdemand)\n",
        score(null, "{\"nswprice\": 0.8}\n{\"nswprice\": 0.8, \"vicdemand\": 1, \"demand\": 2}\n").err());
    Output header = score(null, "nswprice,class,vicdemand\n0.8,1,-0.3\n");
    assertEquals(1, header.exit());
    assertEquals("score: line 1: column 'class': unknown feature 'class' (the model's features: nswprice, vicdemand); "
        + "a label column? drop it with --label class\n", header.err());
    assertEquals("score: line 1: the header lacks a feature: feature 'vicdemand' is missing (the model takes 2)\n",
        score(null, "nswprice\n0.8\n").err());
  }

  @Test
  void serveTakesNamedFeatures() throws Exception {
    try (ScoringServer server = ScoringServer.start(scorer, "model-snapshots", new ServeConfig(Map.of(ServeConfig.PORT, 0)))) {
      URI predict = server.uri().resolve("models/prices/predict");
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> named = http.send(HttpRequest.newBuilder(predict).POST(HttpRequest.BodyPublishers.ofString(
          "{\"instances\": [{\"vicdemand\": -0.3, \"nswprice\": 0.8}, [0.8, -0.3]]}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, named.statusCode(), named.body());
      JsonNode outputs = JSON.readTree(named.body()).get("outputs");
      assertArrayEquals(new double[] {outputs.get(1).get(0).asDouble()}, new double[] {outputs.get(0).get(0).asDouble()});
      HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(predict).POST(HttpRequest.BodyPublishers.ofString(
          "{\"features\": {\"nswprice\": 0.8, \"vicdemand\": 1, \"transfer\": 0}}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(400, unknown.statusCode());
      assertEquals("unknown feature 'transfer' (the model's features: nswprice, vicdemand)",
          JSON.readTree(unknown.body()).get("error").asText());
    }
  }
}
