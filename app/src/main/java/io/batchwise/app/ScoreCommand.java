package io.batchwise.app;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.batchwise.app.serve.PredictRequest;
import io.batchwise.client.SnapshotScorer;
import io.batchwise.schemas.FeatureNames;
import io.batchwise.learner.stream.LearnerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "score", mixinStandardHelpOptions = true,
    description = "Reads feature vectors on stdin (CSV lines, or JSON lines {\"features\": [...]}) and prints one "
        + "JSON prediction per line with the model version that made it: the latest version on the snapshots "
        + "topic when it started, which it reads to its end first. For a model that knows its features' names, "
        + "a CSV header's columns and JSON objects ({\"nswprice\": 0.07, ...}) are matched to them by name.")
final class ScoreCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin
  KafkaOptions kafka;

  @Option(names = "--model", required = true, description = "Model id.")
  String modelId;

  @Option(names = "--label", description = "Drop this CSV column or JSON field (e.g. the training label).")
  String labelColumn;

  /** Where lines are read and answers written; tests replace them. */
  InputStream input = System.in;
  PrintStream output = System.out;
  PrintStream errors = System.err;

  @Option(names = "--wait-s", defaultValue = "30",
      description = "How long to wait for the snapshots topic to be read and for the model's first snapshot (default: ${DEFAULT-VALUE}).")
  long waitSeconds;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> settings = kafka.settings(Map.of());
    LearnerConfig config = new LearnerConfig(settings);
    KafkaConnection connection = kafka.connect(settings, false);
    AccessCheck.require(connection, CommandAccess.snapshotReader(config.snapshotsTopic()));
    String topic = config.snapshotsTopic();
    try (SnapshotScorer scorer = SnapshotScorer.follow(connection.clientSettings(), topic)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
      if (!scorer.awaitCaughtUp(Duration.ofSeconds(waitSeconds))) {
        throw new IllegalStateException("could not read " + topic + " to its end within " + waitSeconds + " s");
      }
      if (!scorer.awaitModel(modelId, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
        throw new IllegalStateException("no snapshot of model " + modelId + " on " + topic + " within "
            + waitSeconds + " s" + (scorer.latest().isEmpty() ? "" : " (models there: "
            + String.join(", ", scorer.latest().keySet()) + ")"));
      }
      return score(scorer, new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8)), output, errors);
    }
  }

  int score(SnapshotScorer scorer, BufferedReader in, PrintStream out, PrintStream err) throws Exception {
    boolean regression = scorer.isRegression(modelId);
    int featureCount = scorer.latest(modelId).orElseThrow().getArchitecture().getFeatureCount();
    FeatureNames names = scorer.featureNames(modelId).orElse(null);
    List<String> header = null;
    int dropColumn = -1;
    int[] positions = null;
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
        List<double[]> instances;
        if (text.startsWith("{") || text.startsWith("[")) {
          instances = PredictRequest.readLine(withoutLabel(text), names);
        } else {
          String[] cells = text.split(",", -1);
          if (lineNumber == 1 && !isNumber(cells[0].strip())) {
            header = List.of(cells).stream().map(String::strip).toList();
            dropColumn = labelColumn == null ? -1 : header.indexOf(labelColumn);
            if (labelColumn != null && dropColumn < 0) {
              throw new IllegalArgumentException("the header has no column " + labelColumn + " (--label)");
            }
            if (names != null) {
              // by name: the rows cannot be read otherwise, so a header that does not match ends the run
              try {
                positions = positions(header, dropColumn, names);
              } catch (IllegalArgumentException e) {
                err.println("score: line 1: " + e.getMessage());
                return 1;
              }
            }
            continue;
          }
          instances = List.of(positions == null ? parse(cells, dropColumn, header)
              : parseNamed(cells, positions, header, featureCount));
        }
        List<SnapshotScorer.Prediction> predictions;
        try {
          predictions = scorer.score(modelId, instances);
        } catch (SnapshotScorer.BadInstance e) {
          String problem = instances.size() == 1 ? e.problem() : e.getMessage();
          boolean labelLeftIn = labelColumn == null && instances.get(e.index()).length == featureCount + 1;
          throw new IllegalArgumentException(problem + (labelLeftIn ? " (a label column? drop it with --label COLUMN)" : ""));
        }
        for (int i = 0; i < predictions.size(); i++) {
          SnapshotScorer.Prediction p = predictions.get(i);
          Map<String, Object> result = new LinkedHashMap<>();
          result.put("line", lineNumber);
          if (predictions.size() > 1) {
            result.put("instance", i);
          }
          result.put("model", modelId);
          result.put("version", p.version());
          result.put("prediction", p.label(regression));
          result.put("outputs", p.outputs());
          out.println(JSON.writeValueAsString(result));
        }
      } catch (IllegalArgumentException e) {
        failures++;
        err.println("score: line " + lineNumber + ": " + Main.oneLine(e));
      }
    }
    out.flush();
    return failures == 0 ? 0 : 1;
  }

  /** A JSON line of named features with the --label field taken out; any other line as it is. */
  private String withoutLabel(String line) {
    if (labelColumn == null || !line.startsWith("{")) {
      return line;
    }
    try {
      JsonNode node = JSON.readTree(line);
      if (node instanceof ObjectNode object && object.remove(labelColumn) != null) {
        return JSON.writeValueAsString(object);
      }
    } catch (JsonProcessingException e) {
      // malformed: the request reader says where
    }
    return line;
  }

  /** Where each header column goes in the model's vector (-1: the dropped label column). */
  private int[] positions(List<String> header, int dropColumn, FeatureNames names) {
    int[] positions = new int[header.size()];
    boolean[] given = new boolean[names.size()];
    for (int i = 0; i < header.size(); i++) {
      String column = header.get(i);
      positions[i] = i == dropColumn ? -1 : names.position(column);
      if (i == dropColumn) {
        continue;
      }
      if (positions[i] < 0) {
        throw new IllegalArgumentException("column '" + column + "': " + names.unknown(column)
            + (labelColumn == null ? "; a label column? drop it with --label " + column : ""));
      }
      if (given[positions[i]]) {
        throw new IllegalArgumentException("column '" + column + "' appears twice in the header");
      }
      given[positions[i]] = true;
    }
    String missing = names.missing(given);
    if (missing != null) {
      throw new IllegalArgumentException("the header lacks a feature: " + missing);
    }
    return positions;
  }

  /** A CSV row whose columns go where the header's names say. */
  private static double[] parseNamed(String[] cells, int[] positions, List<String> header, int featureCount) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException("expected " + header.size() + " fields as in the header, found " + cells.length);
    }
    double[] x = new double[featureCount];
    for (int i = 0; i < cells.length; i++) {
      if (positions[i] >= 0) {
        x[positions[i]] = number(cells[i].strip(), "column " + (i + 1) + " (" + header.get(i) + ")");
      }
    }
    return x;
  }

  /** The feature values of a CSV row, each bad cell named by its column. */
  private static double[] parse(String[] cells, int dropColumn, List<String> header) {
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < cells.length; i++) {
      if (i == dropColumn) {
        continue;
      }
      String column = "column " + (i + 1) + (header != null && i < header.size() ? " (" + header.get(i) + ")" : "");
      values.add(number(cells[i].strip(), column));
    }
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double number(String cell, String column) {
    if (cell.isEmpty()) {
      throw new IllegalArgumentException(column + " is empty: every feature needs a number");
    }
    double value;
    try {
      value = Double.parseDouble(cell);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(column + " is \"" + cell + "\", not a number");
    }
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(column + " is " + cell + ": features must be finite numbers");
    }
    return value;
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
