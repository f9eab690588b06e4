package io.batchwise.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Renders the benchmarks' JSON into a markdown file: each block between {@code <!-- bench:NAME -->} and
 * {@code <!-- /bench:NAME -->} is replaced by the tables of {@code NAME.json} in the bench folder, headed by the
 * command, date and machine that produced it. Everything outside the blocks is the file's own prose and stays.
 */
@Command(name = "render", mixinStandardHelpOptions = true,
    description = "Renders the benchmarks' JSON files into the marked blocks of a markdown file (docs/BENCHMARKS.md).")
public final class RenderCommand implements Callable<Integer> {
  private static final Pattern BLOCK = Pattern.compile("<!-- bench:([\\w.-]+) -->\\n.*?<!-- /bench:\\1 -->", Pattern.DOTALL);

  @Option(names = "--results", defaultValue = "docs/bench", description = "Folder of the JSON files (default: ${DEFAULT-VALUE}).")
  Path results;

  @Option(names = "--into", defaultValue = "docs/BENCHMARKS.md", description = "The markdown file (default: ${DEFAULT-VALUE}).")
  Path markdown;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(markdown)) {
      throw new IllegalArgumentException("no markdown file " + markdown + " (run from the repository's root, or pass --into)");
    }
    Files.writeString(markdown, render(Files.readString(markdown), results));
    return 0;
  }

  /** The text with every bench block rendered from its JSON file in {@code results}. */
  static String render(String text, Path results) throws java.io.IOException {
    Matcher m = BLOCK.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      Path file = results.resolve(name + ".json");
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("the block bench:" + name + " needs " + file);
      }
      String body = tables(new ObjectMapper().readTree(file.toFile()));
      m.appendReplacement(out, Matcher.quoteReplacement("<!-- bench:" + name + " -->\n" + body + "<!-- /bench:" + name + " -->"));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Prints a bench's results as the tables the page gets, and writes them as JSON when {@code json} is given. */
  static void report(Map<String, Object> results, Path json) throws java.io.IOException {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    System.out.println(tables(mapper.valueToTree(results)));
    if (json != null) {
      mapper.writeValue(json.toFile(), results);
      System.out.println("wrote " + json);
    }
  }

  static String tables(JsonNode json) {
    JsonNode run = json.path("run");
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "`%s` (%s, %s)%n%n", run.path("command").asText(), run.path("date").asText(),
        run.path("machine").asText()));
    switch (run.path("bench").asText()) {
      case "stream" -> stream(json, md);
      case "pipeline" -> pipeline(json, md);
      case "policies" -> policies(json, md);
      case "learner" -> learner(json, md);
      case "parallel" -> parallel(json, md);
      case "instances" -> instances(json, md);
      case "jmh" -> jmh(json, md);
      default -> throw new IllegalArgumentException("not a benchmark's JSON: no run.bench");
    }
    return md.toString();
  }

  private static void stream(JsonNode json, StringBuilder md) {
    md.append("Medians of the repeats; the ratios are taken within each repeat.\n\n| consumer | records/s per repeat | median |\n|---|---|---:|\n");
    json.path("recordsPerSecond").fields().forEachRemaining(e -> {
      List<String> values = new ArrayList<>();
      e.getValue().forEach(v -> values.add(rate(v.asDouble())));
      md.append("| ").append(e.getKey()).append(" | ").append(String.join(" / ", values)).append(" | ")
          .append(rate(json.path("medianRecordsPerSecond").path(e.getKey()).asDouble())).append(" |\n");
    });
    md.append("\n| learner policy | over ConsumerPerformance | over pass-through | mean B | log loss |\n|---|---:|---:|---:|---:|\n");
    json.path("learnerRatiosMedianPerRepeat").fields().forEachRemaining(e -> {
      List<Double> batches = new ArrayList<>();
      List<Double> losses = new ArrayList<>();
      json.path("learnerRuns").path(e.getKey()).forEach(r -> {
        batches.add(r.path("meanBatchSize").asDouble());
        losses.add(r.path("prequentialLogLoss").asDouble());
      });
      md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.1f | %.4f |%n", e.getKey(),
          e.getValue().path("overConsumerPerformance").asDouble(), e.getValue().path("overPassThrough").asDouble(),
          Statistics.median(batches), Statistics.median(losses)));
    });
    json.path("profiles").fields().forEachRemaining(e -> {
      JsonNode p = e.getValue();
      md.append(String.format(Locale.ROOT, "%nWhere the learner's stream thread spends its time, %s (%d samples, %.1f us "
          + "an event, mean B %.1f):%n%n| category | share | us per event |%n|---|---:|---:|%n", e.getKey(),
          p.path("samples").asLong(), p.path("microsPerEvent").asDouble(), p.path("meanBatchSize").asDouble()));
      p.path("categories").fields().forEachRemaining(c -> {
        if (c.getValue().path("share").asDouble() >= 0.005) {
          md.append(String.format(Locale.ROOT, "| %s | %.1f%% | %.2f |%n", c.getKey(), 100 * c.getValue().path("share").asDouble(),
              c.getValue().path("microsPerEvent").asDouble()));
        }
      });
    });
    JsonNode staleness = json.path("staleness");
    if (!staleness.isMissingNode()) {
      md.append(String.format(Locale.ROOT, "%nStaleness at %d events/s (%s): median %d ms, p99 %d ms, max %d ms.%n",
          staleness.path("rate").asInt(), staleness.path("policy").asText(), staleness.path("medianMillis").asLong(),
          staleness.path("p99Millis").asLong(), staleness.path("maxMillis").asLong()));
    }
  }

  private static void pipeline(JsonNode json, StringBuilder md) {
    md.append("| scenario | pattern | policy | log loss (predicted) | to the last event, s (predicted) | mean staleness, ms "
        + "| p99 staleness, ms | mean B (predicted) |\n|---|---|---|---:|---:|---:|---:|---:|\n");
    for (JsonNode m : json.path("medians")) {
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.4f (%s) | %.2f (%s) | %.0f | %.0f | %.1f (%s) |%n",
          m.path("scenario").asText(), m.path("pattern").asText(), m.path("policy").asText(), m.path("logLoss").asDouble(),
          optional(m, "predictedLogLoss", "%.4f"), m.path("secondsToLastEvent").asDouble(),
          optional(m, "predictedSecondsToLastEvent", "%.2f"), m.path("meanStalenessMillis").asDouble(),
          m.path("p99StalenessMillis").asDouble(), m.path("meanBatchSize").asDouble(),
          optional(m, "predictedMeanBatchSize", "%.1f")));
    }
    againstFixedSizes(json.path("runs"), md);
    pipelineProfiles(json.path("medians"), md);
  }

  /** The stream thread's time by group of categories, and the JIT compiler's, where the runs were profiled. */
  private static void pipelineProfiles(JsonNode medians, StringBuilder md) {
    if (medians.size() == 0 || !medians.get(0).has("sampledMillis")) {
      return;
    }
    Map<String, List<String>> groups = new LinkedHashMap<>();
    groups.put("decode, validate, buffer", List.of("decode", "validate", "buffer"));
    groups.put("model step", List.of("model step"));
    groups.put("policy decision", List.of("policy decision"));
    groups.put("loop and processor (other)", List.of("learning loop (other)", "processor (other)", "dead letters",
        "read-back after restart"));
    groups.put("publish", List.of("publish:"));
    groups.put("Kafka", List.of("Kafka"));
    groups.put("waiting for records", List.of("waiting for records"));
    groups.put("other", List.of("other"));
    md.append("\nWhere the learner's stream thread spent the time to the last event (medians, milliseconds of samples "
        + "taken every millisecond), and the JIT compiler's time meanwhile:\n\n| scenario | pattern | policy "
        + "| to the last event, s | sampled, ms | ").append(String.join(" | ", groups.keySet()))
        .append(" | JIT compiling, s |\n|---|---|---|").append("---:|".repeat(groups.size() + 3)).append('\n');
    for (JsonNode m : medians) {
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %.0f |", m.path("scenario").asText(),
          m.path("pattern").asText(), m.path("policy").asText(), m.path("secondsToLastEvent").asDouble(),
          m.path("sampledMillis").asDouble()));
      groups.values().forEach(prefixes -> md.append(String.format(Locale.ROOT, " %.0f |", ThreadProfile.categories().stream()
          .filter(category -> prefixes.stream().anyMatch(category::startsWith))
          .mapToDouble(category -> m.path(PipelineBenchCommand.PROFILE_PREFIX + category).asDouble()).sum())));
      md.append(String.format(Locale.ROOT, " %.2f |%n", m.path("compilingSeconds").asDouble()));
    }
  }

  /**
   * Per cell, goodput against the fixed sizes of the same repeat (a synthetic scenario's repeats learn different
   * streams): its loss minus the best fixed size's, and its time to the last event over the fastest fixed size's.
   */
  private static void againstFixedSizes(JsonNode runs, StringBuilder md) {
    Map<String, Map<Integer, List<JsonNode>>> cells = new LinkedHashMap<>();
    runs.forEach(r -> cells.computeIfAbsent(r.path("scenario").asText() + " | " + r.path("pattern").asText(),
        k -> new LinkedHashMap<>()).computeIfAbsent(r.path("repeat").asInt(), k -> new ArrayList<>()).add(r));
    if (cells.isEmpty()) {
      return;
    }
    md.append("\nPer repeat, goodput against the fixed sizes of the same repeat:\n\n| scenario | pattern "
        + "| goodput's log loss - the best fixed size's | goodput's time to the last event / the fastest fixed size's "
        + "|\n|---|---|---|---|\n");
    cells.forEach((cell, repeats) -> {
      List<String> losses = new ArrayList<>();
      List<String> times = new ArrayList<>();
      repeats.values().forEach(rows -> {
        JsonNode goodput = null;
        JsonNode best = null;
        JsonNode fastest = null;
        for (JsonNode r : rows) {
          if (r.path("policy").asText().equals("goodput")) {
            goodput = r;
          } else if (r.path("policy").asText().startsWith("fixed:")) {
            best = best == null || r.path("logLoss").asDouble() < best.path("logLoss").asDouble() ? r : best;
            fastest = fastest == null
                || r.path("secondsToLastEvent").asDouble() < fastest.path("secondsToLastEvent").asDouble() ? r : fastest;
          }
        }
        if (goodput != null && best != null) {
          losses.add(String.format(Locale.ROOT, "%+.4f (%s)", goodput.path("logLoss").asDouble()
              - best.path("logLoss").asDouble(), best.path("policy").asText()));
          times.add(String.format(Locale.ROOT, "%.2f (%s)", goodput.path("secondsToLastEvent").asDouble()
              / fastest.path("secondsToLastEvent").asDouble(), fastest.path("policy").asText()));
        }
      });
      md.append("| ").append(cell).append(" | ").append(String.join(", ", losses)).append(" | ")
          .append(String.join(", ", times)).append(" |\n");
    });
  }

  private static void policies(JsonNode json, StringBuilder md) {
    Map<String, List<JsonNode>> byScenario = new LinkedHashMap<>();
    for (JsonNode m : json.path("medians")) {
      byScenario.computeIfAbsent(m.path("scenario").asText(), k -> new ArrayList<>()).add(m);
    }
    byScenario.forEach((scenario, rows) -> {
      md.append("| ").append(scenario).append(" | pattern | to target, ms | examples to target | final loss | mean loss "
          + "| staleness, ms | mean B |\n|---|---|---:|---:|---:|---:|---:|---:|\n");
      for (JsonNode m : rows) {
        md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.4f | %.4f | %.2f | %.1f |%n", m.path("policy").asText(),
            m.path("pattern").asText(), m.path("secondsToTarget").isNull() ? "not reached"
                : String.format(Locale.ROOT, "%.1f", 1000 * m.path("secondsToTarget").asDouble()),
            m.path("examplesToTarget").isNull() ? "not reached" : m.path("examplesToTarget").asText(),
            m.path("finalLoss").asDouble(), m.path("meanLoss").asDouble(), m.path("meanStalenessMillis").asDouble(),
            m.path("meanBatchSize").asDouble()));
      }
      md.append('\n');
    });
    md.append("| scenario | pattern | goodput / best fixed (time to target) | best fixed | fixed:32 / goodput |\n|---|---|---:|---|---:|\n");
    for (JsonNode s : json.path("summary")) {
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", s.path("scenario").asText(), s.path("pattern").asText(),
          optional(s, "goodputOverBestFixed", "%.2f"), s.path("bestFixed").asText("-"), optional(s, "fixed32OverGoodput", "%.2f")));
    }
  }

  private static void learner(JsonNode json, StringBuilder md) {
    Set<Integer> sizes = new LinkedHashSet<>();
    Map<String, Map<Integer, Double>> rows = new LinkedHashMap<>();
    for (JsonNode c : json.path("cells")) {
      sizes.add(c.path("batchSize").asInt());
      rows.computeIfAbsent("`" + c.path("model").asText() + "` | " + c.path("d").asInt(), k -> new LinkedHashMap<>())
          .put(c.path("batchSize").asInt(), c.path("medianExamplesPerSecond").asDouble());
    }
    md.append("| model | d |");
    sizes.forEach(b -> md.append(" B=").append(b).append(" |"));
    md.append("\n|---|---:|").append("---:|".repeat(sizes.size())).append('\n');
    rows.forEach((row, cells) -> {
      md.append("| ").append(row).append(" |");
      sizes.forEach(b -> md.append(' ').append(cells.containsKey(b) ? rate(cells.get(b)) : "-").append(" |"));
      md.append('\n');
    });
  }

  private static void parallel(JsonNode json, StringBuilder md) {
    JsonNode settings = json.path("settings");
    md.append(String.format(Locale.ROOT, "Medians of %d runs a cell; a commit %.0f ms, a record's way through the broker %.0f ms, "
        + "the home's link %.0f Mbit/s each way, merge.interval.ms %d, sync.max.staleness.ms %d.%n",
        settings.path("repeats").asInt(), settings.path("commitMillis").asDouble(), settings.path("brokerMillis").asDouble(),
        settings.path("networkMegabits").asDouble(), settings.path("mergeIntervalMillis").asLong(),
        settings.path("maxStalenessMillis").asLong()));
    for (JsonNode scenario : json.path("scenarios")) {
      String name = scenario.path("name").asText();
      md.append(String.format(Locale.ROOT, "%n%s: %s; %s, target loss %.3f.%n%n", name, scenario.path("description").asText(),
          scenario.path("policy").asText(), scenario.path("targetLoss").asDouble()));
      md.append("| K | period | s to target | speed-up | examples to target | final loss | events/s | H | ms between merges "
          + "| K H B / B_noise | merge scale | kB per merge | step us per event | sync ms per merge |\n"
          + "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      double single = Double.NaN;
      for (JsonNode m : json.path("medians")) {
        if (!m.path("scenario").asText().equals(name)) {
          continue;
        }
        int k = m.path("learners").asInt();
        double seconds = number(m, "secondsToTarget");
        if (k == 1) {
          single = seconds;
        }
        md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %.4f | %s | %s | %s | %s | %s | %s | %s | %s |%n", k,
            k == 1 ? "-" : m.path("period").asText(), Double.isNaN(seconds) ? "not reached" : format("%.3f", seconds),
            format("%.2f", single / seconds), optional(m, "examplesToTarget", "%.0f"), number(m, "finalLoss"),
            rate(number(m, "eventsPerSecond")), optional(m, "meanSyncUpdates", "%.1f"), optional(m, "meanSyncMillis", "%.0f"),
            optional(m, "combinedBatchOverNoiseScale", "%.2f"), optional(m, "meanMergeScale", "%.2f"),
            format("%.1f", number(m, "bytesPerMerge") / 1000), format("%.2f", 1e6 * number(m, "stepSecondsPerEvent")),
            format("%.2f", 1000 * number(m, "syncSecondsPerMerge"))));
      }
    }
    md.append("\nThe targets: speed-up to the target loss over one learner against 0.7 K while K H B stays below B_noise, "
        + "and the adaptive period's time against the best fixed period's in hindsight (at most 1.10).\n\n"
        + "| scenario | K | adaptive speed-up | K H B / B_noise | best fixed | its speed-up | 0.7 K | adaptive / best fixed |\n"
        + "|---|---:|---:|---:|---|---:|---:|---:|\n");
    for (JsonNode t : json.path("targets")) {
      md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %.1f | %s |%n", t.path("scenario").asText(),
          t.path("learners").asInt(), format("%.2f", number(t, "adaptiveSpeedup")),
          format("%.2f", number(t, "adaptiveCombinedBatchOverNoiseScale")), t.path("bestFixedPeriod").asText("-"),
          format("%.2f", number(t, "bestFixedSpeedup")), t.path("speedupTarget").asDouble(),
          format("%.2f", number(t, "adaptiveOverBestFixed"))));
    }
  }

  private static void instances(JsonNode json, StringBuilder md) {
    JsonNode settings = json.path("settings");
    md.append(String.format(Locale.ROOT, "%d events of %d features as a backlog, `--batch %s`, medians of %d runs; each "
        + "instance a `learn` JVM of its own on the embedded broker.%n%n", settings.path("events").asInt(),
        settings.path("features").asInt(), settings.path("batch").asText(), settings.path("repeats").asInt()));
    md.append("| events topic | instances | events/s | s | prequential log loss | held-out log loss "
        + "| held-out, versions past half the backlog | versions | commits | ms per commit |\n"
        + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (JsonNode m : json.path("medians")) {
      md.append(String.format(Locale.ROOT, "| %s | %d | %s | %.1f | %.4f | %.4f | %.4f-%.4f | %.0f | %s | %s |%n",
          m.path("configuration").asText(), m.path("instances").asInt(), rate(number(m, "eventsPerSecond")),
          number(m, "seconds"), number(m, "prequentialLoss"), number(m, "heldOutLoss"), number(m, "heldOutLowest"),
          number(m, "heldOutHighest"), number(m, "versions"), format("%.0f", number(m, "commits")),
          format("%.1f", number(m, "commitMillis"))));
    }
  }

  /** A number field; NaN where it is missing or not a number (JSON has no NaN: Jackson writes it as text). */
  private static double number(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isNumber() ? v.asDouble() : Double.NaN;
  }

  private static String format(String format, double value) {
    return Double.isFinite(value) ? String.format(Locale.ROOT, format, value) : "-";
  }

  private static void jmh(JsonNode json, StringBuilder md) {
    md.append("| benchmark | parameters | score | error (99.9%) | unit |\n|---|---|---:|---:|---|\n");
    for (JsonNode r : json.path("results")) {
      List<String> params = new ArrayList<>();
      r.path("params").fields().forEachRemaining(p -> params.add(p.getKey() + "=" + p.getValue().asText()));
      md.append(String.format(Locale.ROOT, "| %s | %s | %.4g | %.2g | %s |%n", r.path("benchmark").asText(),
          String.join(", ", params), r.path("score").asDouble(), r.path("error").asDouble(), r.path("unit").asText()));
    }
  }

  private static String optional(JsonNode node, String field, String format) {
    JsonNode v = node.path(field);
    return v.isNumber() ? String.format(Locale.ROOT, format, v.asDouble()) : "-";
  }

  /** 5.41M, 177k, 5k: three significant figures at most. */
  static String rate(double perSecond) {
    if (!Double.isFinite(perSecond)) {
      return "-";
    }
    if (perSecond >= 1e6) {
      return String.format(Locale.ROOT, "%.2fM", perSecond / 1e6);
    }
    return perSecond >= 1e3 ? String.format(Locale.ROOT, "%.0fk", perSecond / 1e3) : String.format(Locale.ROOT, "%.0f", perSecond);
  }
}
