package io.batchwise.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.batchwise.policy.SyncPeriod;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code batchwise bench parallel}: K learners of one model on the virtual clock ({@link ParallelClockRun}), for K
 * from 1 to 32 and each sync period (fixed ones and the adaptive one), on a small and a wide model: the virtual time
 * until the loss reaches the scenario's target, the events/s until every event is in a published version, and what
 * the merges were (H, K H B against B_noise, bytes). Medians over the repeats, as JSON and as a markdown table.
 */
@Command(name = "parallel", mixinStandardHelpOptions = true,
    description = "K learners of one model merging through Kafka, simulated on a virtual clock with the stream's costs.")
public final class ParallelBenchCommand implements Callable<Integer> {
  @Option(names = "--scenarios", split = ",", description = "small, wide (default: both).")
  List<String> scenarios = List.of("small", "wide");

  @Option(names = "--learners", split = ",", description = "Values of K (default: 1,2,4,8,16,32).")
  List<Integer> learners = List.of(1, 2, 4, 8, 16, 32);

  @Option(names = "--periods", split = ";", description = "Sync periods, ';'-separated: adaptive or a number of updates "
      + "(default: adaptive;1;16;256).")
  List<String> periods = List.of("adaptive", "1", "16", "256");

  @Option(names = "--repeats", defaultValue = "3", description = "Runs per cell, run r on the scenario's r-th stream, "
      + "the learners' punctuations at phases of its own; medians reported (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--commit-ms", defaultValue = "10",
      description = "How long the commit a learner asks for after sending a delta or a merged version takes before "
          + "its reader sees the record (default: ${DEFAULT-VALUE}).")
  double commitMillis;

  @Option(names = "--network-mbit", defaultValue = "1000",
      description = "The home's link each way, Mbit/s (default: ${DEFAULT-VALUE}).")
  double networkMegabits;

  @Option(names = "--broker-ms", defaultValue = "2",
      description = "A committed record's way through the broker to its reader (default: ${DEFAULT-VALUE}).")
  double brokerMillis;

  @Option(names = "--merge-interval-ms", defaultValue = "20", description = "merge.interval.ms (default: ${DEFAULT-VALUE}).")
  long mergeIntervalMillis;

  @Option(names = "--max-staleness-ms", defaultValue = "1000",
      description = "sync.max.staleness.ms (default: ${DEFAULT-VALUE}).")
  long maxStalenessMillis;

  @Option(names = "--loss-window", defaultValue = "2000", description = "Examples the loss EMA spans (default: ${DEFAULT-VALUE}).")
  int lossWindow;

  @Option(names = "--target", description = "The loss EMA's target for every scenario (default: each scenario's own).")
  Double target;

  @Option(names = "--json", description = "Write every run and the medians to this JSON file.")
  Path json;

  /**
   * A workload: the model, its policy, the stream (run r's), the target of the loss EMA, and the stream's costs per
   * event and update besides the learning (from the Kafka Streams measurements in docs/BENCHMARKS.md).
   */
  record Scenario(String name, String description, String modelSpec, String optimizer, String policy,
      IntFunction<BenchStream> streams, double targetLoss, StreamCosts costs) {
  }

  static List<Scenario> all() {
    return List.of(
        new Scenario("small", "logistic regression (SGD 0.0005), 10 features, 1,000,000 events of a linear concept with "
            + "10% of labels flipped; 7 us of stream per event, 6 us of it measured by the processor", "logistic",
            "sgd:0.0005", "fixed:8",
            r -> ScenarioStreams.uniformConcept(1_000_000, 10, 0.1, 31 + r), 0.40, new StreamCosts(7e-6, 6e-6, 5e-6, 0, 1000, 50)),
        new Scenario("wide", "logistic regression, 1,000 features, 400,000 events of a linear concept with 10% of labels "
            + "flipped; 100 us of stream per event, 90 us of it measured by the processor", "logistic", null, "fixed:8",
            r -> ScenarioStreams.uniformConcept(400_000, 1000, 0.1, 37 + r), 0.40,
            new StreamCosts(100e-6, 90e-6, 5e-6, 0, 1000, 50)));
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new ParallelBenchCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (repeats < 1 || learners.stream().anyMatch(k -> k < 1)) {
      throw new IllegalArgumentException("--repeats and every --learners value must be at least 1");
    }
    List<ParallelClockRun.Result> runs = new ArrayList<>();
    List<Map<String, Object>> medians = new ArrayList<>();
    StringBuilder table = new StringBuilder();
    for (Scenario given : all()) {
      if (!scenarios.contains(given.name())) {
        continue;
      }
      Scenario scenario = target == null ? given : new Scenario(given.name(), given.description(), given.modelSpec(),
          given.optimizer(), given.policy(), given.streams(), target, given.costs());
      ParallelClockRun simulator = new ParallelClockRun(scenario.costs(), new ParallelClockRun.SyncCosts(
          commitMillis / 1000, networkMegabits * 1e6 / 8, brokerMillis / 1000, mergeIntervalMillis), lossWindow);
      List<BenchStream> streams = new ArrayList<>();
      for (int r = 0; r < repeats; r++) {
        streams.add(scenario.streams().apply(r));
      }
      // the JIT compiles the learning, merging and serializing code first, as in a learner that has run a while
      simulator.run("warm-up", ScenarioStreams.uniformConcept(40_000, streams.get(0).featureCount(), 0.1, 1), 4,
          scenario.modelSpec(), scenario.optimizer(), scenario.policy(), SyncPeriod.parse("1", maxStalenessMillis), 0, 0);
      table.append(String.format(Locale.ROOT, "%n%s: %s, target loss %.3f%n%n", scenario.name(), scenario.description(),
          scenario.targetLoss()));
      table.append("| K | period | s to target | speed-up | examples to target | final loss | events/s | H | ms between merges "
          + "| K H B / B_noise | merge scale | kB per merge |\n");
      table.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      double single = Double.NaN;
      for (int k : learners) {
        for (String period : periods) {
          if (k == 1 && !period.equals(periods.get(0))) {
            continue;  // one learner never merges: every period is the same run
          }
          SyncPeriod sync = SyncPeriod.parse(period, maxStalenessMillis);
          List<ParallelClockRun.Result> cell = new ArrayList<>();
          for (int r = 0; r < repeats; r++) {
            ParallelClockRun.Result result = simulator.run(scenario.name(), streams.get(r), k, scenario.modelSpec(),
                scenario.optimizer(), scenario.policy(), sync, scenario.targetLoss(), 1000L * r + k);
            cell.add(result);
            runs.add(result);
            System.err.printf(Locale.ROOT, "%s K=%d %s run %d: %.3f s to target, %.0f events/s%n", scenario.name(), k,
                period, r, result.secondsToTarget(), result.eventsPerSecond());
          }
          Map<String, Object> m = median(cell);
          medians.add(m);
          double seconds = (Double) m.get("secondsToTarget");
          if (k == 1) {
            single = seconds;
          }
          table.append(String.format(Locale.ROOT, "| %d | %s | %.3f | %.2f | %.0f | %.4f | %.0f | %.1f | %.0f | %.2f | %.2f | %.0f |%n",
              k, k == 1 ? "-" : period, seconds, single / seconds, (Double) m.get("examplesToTarget"),
              (Double) m.get("finalLoss"), (Double) m.get("eventsPerSecond"), (Double) m.get("meanSyncUpdates"),
              (Double) m.get("meanSyncMillis"), (Double) m.get("combinedBatchOverNoiseScale"),
              (Double) m.get("meanMergeScale"), (Double) m.get("bytesPerMerge") / 1000));
        }
      }
    }
    System.out.println(table);
    if (json != null) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("command", "bench parallel " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
      out.put("date", Instant.now().toString());
      out.put("machine", Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version"));
      out.put("medians", medians);
      out.put("runs", runs);
      Files.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out));
    }
    return 0;
  }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** The medians of a cell's runs; NaN (never reached) counts as the slowest. */
  private static Map<String, Object> median(List<ParallelClockRun.Result> cell) {
    ParallelClockRun.Result first = cell.get(0);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scenario", first.scenario());
    m.put("learners", first.learners());
    m.put("period", first.period());
    m.put("secondsToTarget", median(cell, ParallelClockRun.Result::secondsToTarget));
    m.put("examplesToTarget", median(cell, r -> r.examplesToTarget() < 0 ? Double.NaN : r.examplesToTarget()));
    m.put("eventsPerSecond", median(cell, ParallelClockRun.Result::eventsPerSecond));
    m.put("finalLoss", median(cell, ParallelClockRun.Result::finalLoss));
    m.put("merges", median(cell, r -> r.merges()));
    m.put("meanSyncUpdates", median(cell, ParallelClockRun.Result::meanSyncUpdates));
    m.put("meanSyncMillis", median(cell, ParallelClockRun.Result::meanSyncMillis));
    m.put("meanCombinedBatch", median(cell, ParallelClockRun.Result::meanCombinedBatch));
    m.put("meanNoiseScale", median(cell, ParallelClockRun.Result::meanNoiseScale));
    m.put("combinedBatchOverNoiseScale", median(cell, r -> r.meanCombinedBatch() / r.meanNoiseScale()));
    m.put("meanMergeScale", median(cell, ParallelClockRun.Result::meanMergeScale));
    m.put("bytesPerMerge", median(cell, ParallelClockRun.Result::bytesPerMerge));
    return m;
  }

  private static double median(List<ParallelClockRun.Result> cell,
      java.util.function.ToDoubleFunction<ParallelClockRun.Result> value) {
    double[] values = cell.stream().mapToDouble(value).map(v -> Double.isNaN(v) ? Double.POSITIVE_INFINITY : v)
        .sorted().toArray();
    double m = values.length % 2 == 1 ? values[values.length / 2]
        : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    return Double.isInfinite(m) ? Double.NaN : m;
  }
}
