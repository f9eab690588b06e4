package io.batchwise.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;

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

  @Option(names = "--repeats", defaultValue = "5", description = "Runs per cell, run r on the scenario's r-th stream, "
      + "the learners' punctuations at phases of its own; medians reported (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--commit-ms", defaultValue = "10",
      description = "How long the commit a learner asks for after sending a delta or a merged version takes before "
          + "its reader sees the record; `bench instances` measures real learners' (default: ${DEFAULT-VALUE}).")
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
            r -> ScenarioStreams.uniformConcept(1_000_000, 10, 0.1, 31 + r), 0.45, new StreamCosts(7e-6, 6e-6, 5e-6, 0, 1000, 50)),
        new Scenario("wide", "logistic regression, 1,000 features, 400,000 events of a linear concept with 10% of labels "
            + "flipped; 100 us of stream per event, 90 us of it measured by the processor", "logistic", null, "fixed:8",
            r -> ScenarioStreams.uniformConcept(400_000, 1000, 0.1, 37 + r), 0.45,
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
    List<Map<String, Object>> described = new ArrayList<>();
    List<Map<String, Object>> medians = new ArrayList<>();
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
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("name", scenario.name());
      d.put("description", scenario.description());
      d.put("policy", scenario.policy());
      d.put("targetLoss", scenario.targetLoss());
      d.put("streamSecondsPerEvent", scenario.costs().eventSeconds());
      d.put("streamSecondsPerUpdate", scenario.costs().updateSeconds());
      described.add(d);
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
          medians.add(median(cell, streams.get(0).size()));
        }
      }
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("run", BenchRun.describe("parallel", spec.commandLine().getParseResult().originalArgs()));
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("repeats", repeats);
    settings.put("commitMillis", commitMillis);
    settings.put("networkMegabits", networkMegabits);
    settings.put("brokerMillis", brokerMillis);
    settings.put("mergeIntervalMillis", mergeIntervalMillis);
    settings.put("maxStalenessMillis", maxStalenessMillis);
    settings.put("lossWindow", lossWindow);
    doc.put("settings", settings);
    doc.put("scenarios", described);
    doc.put("medians", medians);
    doc.put("targets", targets(medians));
    doc.put("runs", runs);
    RenderCommand.report(doc, json);
    return 0;
  }

  /**
   * The targets per scenario and K > 1: the speed-up to the target loss of the adaptive period and of the best
   * fixed period over one learner, against 0.7 K, where K H B stayed below B_noise; and the adaptive period's time over
   * the best fixed period's, chosen in hindsight, against 1.1.
   */
  static List<Map<String, Object>> targets(List<Map<String, Object>> medians) {
    List<Map<String, Object>> targets = new ArrayList<>();
    Map<String, Double> single = new LinkedHashMap<>();
    Map<String, Map<Integer, List<Map<String, Object>>>> cells = new LinkedHashMap<>();
    for (Map<String, Object> m : medians) {
      String scenario = (String) m.get("scenario");
      int k = (Integer) m.get("learners");
      if (k == 1) {
        single.put(scenario, (Double) m.get("secondsToTarget"));
      } else {
        cells.computeIfAbsent(scenario, s -> new java.util.TreeMap<>()).computeIfAbsent(k, x -> new ArrayList<>()).add(m);
      }
    }
    cells.forEach((scenario, byK) -> byK.forEach((k, row) -> {
      Map<String, Object> adaptive = null;
      Map<String, Object> bestFixed = null;
      for (Map<String, Object> m : row) {
        if (SyncPeriod.ADAPTIVE.equals(m.get("period"))) {
          adaptive = m;
        } else if (!Double.isNaN((Double) m.get("secondsToTarget")) && (bestFixed == null
            || (Double) m.get("secondsToTarget") < (Double) bestFixed.get("secondsToTarget"))) {
          bestFixed = m;
        }
      }
      double one = single.getOrDefault(scenario, Double.NaN);
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("scenario", scenario);
      t.put("learners", k);
      t.put("adaptiveSpeedup", adaptive == null ? Double.NaN : one / (Double) adaptive.get("secondsToTarget"));
      t.put("adaptiveCombinedBatchOverNoiseScale",
          adaptive == null ? Double.NaN : (Double) adaptive.get("combinedBatchOverNoiseScale"));
      t.put("bestFixedPeriod", bestFixed == null ? null : bestFixed.get("period"));
      t.put("bestFixedSpeedup", bestFixed == null ? Double.NaN : one / (Double) bestFixed.get("secondsToTarget"));
      t.put("bestFixedCombinedBatchOverNoiseScale",
          bestFixed == null ? Double.NaN : (Double) bestFixed.get("combinedBatchOverNoiseScale"));
      t.put("speedupTarget", 0.7 * k);
      t.put("adaptiveOverBestFixed", adaptive == null || bestFixed == null ? Double.NaN
          : (Double) adaptive.get("secondsToTarget") / (Double) bestFixed.get("secondsToTarget"));
      targets.add(t);
    }));
    return targets;
  }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** The medians of a cell's runs; NaN (never reached) counts as the slowest. */
  private static Map<String, Object> median(List<ParallelClockRun.Result> cell, int events) {
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
    m.put("stepSecondsPerEvent", median(cell, r -> r.computeSeconds() / events));
    m.put("syncSecondsPerMerge", median(cell, r -> r.merges() > 0 ? r.mergeSeconds() / r.merges() : Double.NaN));
    return m;
  }

  private static double median(List<ParallelClockRun.Result> cell,
      java.util.function.ToDoubleFunction<ParallelClockRun.Result> value) {
    double m = Statistics.median(cell.stream().mapToDouble(value)
        .map(v -> Double.isNaN(v) ? Double.POSITIVE_INFINITY : v).toArray());
    return Double.isInfinite(m) ? Double.NaN : m;
  }
}
