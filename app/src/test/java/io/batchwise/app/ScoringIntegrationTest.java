package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.batchwise.client.SnapshotFollower;
import io.batchwise.client.SnapshotScorer;
import io.batchwise.learner.snapshot.SnapshotCodec;
import io.batchwise.learner.stream.LearnerConfig;
import io.batchwise.schemas.ModelSnapshot;
import picocli.CommandLine;

/** The scorer and the score command against a real broker, with snapshots the real learner published. */
class ScoringIntegrationTest {
  @RegisterExtension
  static final TestKafkaCluster kafka = new TestKafkaCluster();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static SnapshotScorer scorer;
  private static long latestVersion;

  @TempDir
  static Path stateDir;

  @BeforeAll
  static void learnAModelOfManyVersions() throws Exception {
    // events in small groups, a snapshot after every update: the topic holds many versions, and an answer from
    // any but the last is wrong
    assertEquals(2000, PipelineRun.learnSyntheticEvents(kafka.bootstrapServers(), stateDir, 2000, Duration.ofMinutes(2),
        Map.of(LearnerConfig.SNAPSHOT_EVERY_UPDATES, 1L, LearnerConfig.SNAPSHOT_INTERVAL_MS, 0L), 30));
    latestVersion = latest().getVersion();
    assertTrue(latestVersion > 20, "versions on the topic: " + latestVersion);
    scorer = SnapshotScorer.follow(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        "model-snapshots");
    assertTrue(scorer.awaitCaughtUp(Duration.ofSeconds(30)));
  }

  private static ModelSnapshot latest() {
    return new SnapshotFollower(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        "model-snapshots").readToEnd(Duration.ofSeconds(30)).get("it");
  }

  @AfterAll
  static void stop() {
    scorer.close();
  }

  @Test
  void aCaughtUpScorerAnswersWithTheLatestVersion() {
    ModelSnapshot latest = scorer.latest("it").orElseThrow();
    assertEquals(latestVersion, latest.getVersion());
    double[] x = {0.7, -1.2};
    SnapshotScorer.Prediction p = scorer.score("it", x);
    assertEquals(latestVersion, p.version());
    ClientScoringTest.assertAgrees(SnapshotCodec.model(latest).predict(x), p.outputs(), 1e-6, "the learner's model");
    assertTrue(scorer.score("it", new double[] {3, 3}).outputs()[0] > 0.5, "learned x0 + x1/2 > 0 means 1");
  }

  @Test
  void aBatchIsScoredWithOneVersionAndABadInstanceIsNamed() {
    List<SnapshotScorer.Prediction> batch = scorer.score("it", List.of(new double[] {3, 3}, new double[] {-3, -3}));
    assertEquals(List.of(latestVersion, latestVersion), batch.stream().map(SnapshotScorer.Prediction::version).toList());
    SnapshotScorer.BadInstance e = assertThrows(SnapshotScorer.BadInstance.class,
        () -> scorer.score("it", List.of(new double[] {1, 2}, new double[] {1, Double.NaN})));
    assertEquals(1, e.index());
    assertEquals("instance 1: feature 1 is NaN: features must be finite numbers", e.getMessage());
  }

  @Test
  void twentyOneShotScoreRunsAllAnswerWithTheLatestVersion() {
    for (int run = 1; run <= 20; run++) {
      ScoreCommand command = new ScoreCommand();
      command.input = new ByteArrayInputStream("3,3\n".getBytes(StandardCharsets.UTF_8));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      command.output = new PrintStream(out, true, StandardCharsets.UTF_8);
      int exit = new CommandLine(command).execute("--bootstrap", kafka.bootstrapServers(), "--model", "it");
      assertEquals(0, exit);
      assertEquals(latestVersion, version(out.toString(StandardCharsets.UTF_8)), "run " + run);
    }
  }

  private static long version(String line) {
    try {
      return JSON.readTree(line).get("version").asLong();
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }

  @Test
  void scoreCommandPrintsOnePredictionPerLineWithTheVersion() throws Exception {
    String input = "a,b,y\n3,3,1\n-3,-3,0\n1,oops,1\n[1]\n{\"features\": [2, 2]}\n";
    Output output = score("y", input);
    assertEquals(1, output.exit, "a bad line makes the exit code 1");
    String[] lines = output.out.strip().split("\n");
    assertEquals(3, lines.length);
    JsonNode first = JSON.readTree(lines[0]);
    assertEquals(1.0, first.get("prediction").asDouble());
    assertEquals(latestVersion, first.get("version").asLong());
    assertEquals(0.0, JSON.readTree(lines[1]).get("prediction").asDouble());
    assertEquals(6, JSON.readTree(lines[2]).get("line").asLong());
    assertEquals("score: line 4: column 2 (b) is \"oops\", not a number\n"
        + "score: line 5: model it takes 2 features, got 1\n", output.err);
  }

  @Test
  void scoreErrorsSayWhatIsWrongInWords() throws Exception {
    assertEquals("score: line 2: model it takes 2 features, got 3 (a label column? drop it with --label COLUMN)\n",
        score(null, "a,b,y\n3,3,1\n").err);
    assertEquals("score: line 1: the header has no column label (--label)\n", score("label", "a,b,y\n").err);
    assertEquals("score: line 1: column 2 is empty: every feature needs a number\n"
        + "score: line 2: feature 1 is the string \"2\", not a number\n"
        + "score: line 3: malformed JSON at line 1, column 16: unexpected close marker '}': expected ']'\n",
        score(null, "1,\n[1, \"2\"]\n{\"features\": [1}\n").err);
  }

  private record Output(int exit, String out, String err) {
  }

  private static Output score(String label, String input) throws Exception {
    ScoreCommand command = new ScoreCommand();
    command.modelId = "it";
    command.labelColumn = label;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = command.score(scorer, new BufferedReader(new StringReader(input)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Output(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void learnProgressShowsEachModelOnceReadThenOnlyWhatChanged() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SnapshotFollower follower = new SnapshotFollower(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers()), "model-snapshots").start();
    try (LearnProgress progress = new LearnProgress(follower, new PrintStream(out, true, StandardCharsets.UTF_8))) {
      assertTrue(follower.awaitCaughtUp(Duration.ofSeconds(30)));
      progress.tick();
      progress.tick();
    }
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).startsWith("learn: it v" + latestVersion + "  2,000 examples  batch 16  lr 0.233  loss 0."),
        lines.get(0));
    assertTrue(lines.get(0).endsWith("  dead letters 0"), lines.get(0));
  }
}
