package io.batchwise.app;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.consumer.ConsumerConfig;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.batchwise.client.SnapshotScorer;
import io.batchwise.learner.stream.LearnerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "score", mixinStandardHelpOptions = true,
    description = "Reads feature vectors on stdin (CSV lines, or JSON lines {\"features\": [...]}) and prints one "
        + "JSON prediction per line with the model version that made it.")
final class ScoreCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin
  KafkaOptions kafka;

  @Option(names = "--model", required = true, description = "Model id.")
  String modelId;

  @Option(names = "--label", description = "CSV input with a header: drop this column (e.g. the training label).")
  String labelColumn;

  @Option(names = "--wait-s", defaultValue = "30", description = "How long to wait for the model's first snapshot (default: ${DEFAULT-VALUE}).")
  long waitSeconds;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> settings = kafka.settings(Map.of());
    String servers = KafkaOptions.reachableServers(settings);
    LearnerConfig config = new LearnerConfig(settings);
    try (SnapshotScorer scorer = SnapshotScorer.follow(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers),
        config.snapshotsTopic())) {
      if (!scorer.awaitModel(modelId, Duration.ofSeconds(waitSeconds))) {
        throw new IllegalStateException("no snapshot of model " + modelId + " on " + config.snapshotsTopic()
            + " within " + waitSeconds + " s");
      }
      return score(scorer, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), System.out,
          System.err);
    }
  }

  int score(SnapshotScorer scorer, BufferedReader in, PrintStream out, PrintStream err) throws Exception {
    boolean regression = scorer.isRegression(modelId);
    int dropColumn = -1;
    int failures = 0;
    long lineNumber = 0;
    String line;
    while ((line = in.readLine()) != null) {
      lineNumber++;
      String text = line.strip();
      if (text.isEmpty()) {
        continue;
      }
      try {
        double[] x;
        if (text.startsWith("{") || text.startsWith("[")) {
          x = text.startsWith("[") ? ServeCommand.instances(JSON.readTree("{\"features\":" + text + "}")).get(0)
              : ServeCommand.instances(JSON.readTree(text)).get(0);
        } else {
          String[] cells = text.split(",", -1);
          if (lineNumber == 1 && !isNumber(cells[0].strip())) {
            dropColumn = labelColumn == null ? -1 : List.of(cells).stream().map(String::strip).toList().indexOf(labelColumn);
            continue;  // a header
          }
          x = parse(cells, dropColumn);
        }
        SnapshotScorer.Prediction p = scorer.score(modelId, x);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("line", lineNumber);
        result.put("model", modelId);
        result.put("version", p.version());
        result.put("prediction", p.label(regression));
        result.put("outputs", p.outputs());
        out.println(JSON.writeValueAsString(result));
      } catch (Exception e) {
        failures++;
        err.println("score: line " + lineNumber + ": " + Main.oneLine(e));
      }
    }
    out.flush();
    return failures == 0 ? 0 : 1;
  }

  private static double[] parse(String[] cells, int dropColumn) {
    double[] x = new double[dropColumn >= 0 ? cells.length - 1 : cells.length];
    int j = 0;
    for (int i = 0; i < cells.length; i++) {
      if (i == dropColumn) {
        continue;
      }
      x[j++] = Double.parseDouble(cells[i].strip());
    }
    return x;
  }

  private static boolean isNumber(String cell) {
    try {
      Double.parseDouble(cell);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
