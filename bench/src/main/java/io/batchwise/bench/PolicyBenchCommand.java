package io.batchwise.bench;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchwise.learner.model.ModelFactory;
import io.batchwise.learner.model.OnlineModel;
import io.batchwise.policy.BatchingPolicies;
import io.batchwise.policy.BatchingPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code batchwise bench policies}: streams each scenario through the real learner under each arrival
 * pattern and batching policy on a virtual clock (see {@link VirtualClockRun}), and reports time and
 * examples to a target loss, final loss and staleness, as JSON and as the {@code ## Batching policies}
 * section of docs/BENCHMARKS.md.
 */
@Command(name = "policies", mixinStandardHelpOptions = true,
    description = "Compare batching policies on the real learner under simulated arrival patterns (no Kafka).")
public final class PolicyBenchCommand implements Callable<Integer> {

  @Option(names = "--scenarios", split = ",", description = "Scenarios to run: elec, drift, noisy, mlp (default: all).")
  List<String> scenarios = List.of("elec", "drift", "noisy", "mlp");

  @Option(names = "--patterns", split = ",", description = "Arrival patterns: steady, bursty, backlog (default: all).")
  List<String> patterns = List.of("steady", "bursty", "backlog");

  @Option(names = "--policies", split = ";", description = "Policy specs, separated by ';' (default: fixed:1;fixed:8;fixed:32;fixed:128;fixed:512;fixed:2048;goodput;goodput:b0=32;normtest).")
  List<String> policies = List.of("fixed:1", "fixed:8", "fixed:32", "fixed:128", "fixed:512", "fixed:2048", "goodput", "goodput:b0=32", "normtest");

  @Option(names = "--repeats", description = "Runs per cell; the report gives the median (default: ${DEFAULT-VALUE}).")
  int repeats = 3;

  @Option(names = "--mlp-repeats", description = "Runs per cell of the mlp scenario, whose fixed:1 runs take 10-30 s each (default: ${DEFAULT-VALUE}, at most --repeats).")
  int mlpRepeats = 3;

  @Option(names = "--same-stream", description = "Every run of a synthetic scenario learns its first stream. By default "
      + "run r learns the stream drawn with the scenario's seed + r, so the medians are over streams as well as runs.")
  boolean sameStream;

  @Option(names = "--rate", description = "Mean arrival rate in events/s for every scenario (default: each scenario's own).")
  Double rate;

  @Option(names = "--max-wait-ms", description = "Max wait of a batch's oldest event, for every policy (default: ${DEFAULT-VALUE}).")
  long maxWaitMillis = 500;

  @Option(names = "--loss-window", description = "Examples the loss EMA spans (default: ${DEFAULT-VALUE}).")
  int lossWindow = 2000;

  @Option(names = "--data", description = "elec.csv (default: shared/data/elec.csv found walking up from the working directory).")
  Path elecCsv;

  @Option(names = "--event-cost-us", defaultValue = "0",
      description = "The stream's cost per event outside the learning step, charged on the virtual clock (a real run "
          + "measures it: bench pipeline) (default: ${DEFAULT-VALUE}).")
  double eventCostMicros;

  @Option(names = "--processor-event-cost-us", defaultValue = "0",
      description = "The part of --event-cost-us the learner's processor measures and reports to the policy (default: ${DEFAULT-VALUE}).")
  double processorEventCostMicros;

  @Option(names = "--update-cost-us", defaultValue = "0",
      description = "The stream's cost per update outside the learning step, charged on the virtual clock (default: ${DEFAULT-VALUE}).")
  double updateCostMicros;

  @Option(names = "--publish-cost-ms", defaultValue = "0",
      description = "One snapshot's publication (checkpoint, snapshot, summary), charged once a second (default: ${DEFAULT-VALUE}).")
  double publishCostMillis;

  @Option(names = "--trace", description = "Write one CSV per run (clock, examples, B, lr, B_noise, backlog, batch loss, loss EMA, step seconds with the decision) into this directory.")
  Path traceDir;

  @Option(names = "--json", description = "Write the medians and the summary as JSON to this file.")
  Path json;

  @Option(names = "--raw-runs", description = "Also write every single run into the JSON (large).")
  boolean rawRuns;


  @CommandLine.Spec
  CommandLine.Model.CommandSpec command;

  public static void main(String[] args) {
    System.exit(new CommandLine(new PolicyBenchCommand()).execute(args));
  }

  /** Read once: every run learns the one recorded stream. */
  private PolicyScenarios workloads;

  List<PolicyScenario> allScenarios() {
    if (workloads == null) {
      workloads = new PolicyScenarios(elecCsv);
    }
    return workloads.all();
  }

  @Override
  public Integer call() throws Exception {
    if (repeats < 1 || mlpRepeats < 1) {
      throw new IllegalArgumentException("--repeats and --mlp-repeats must be at least 1, got " + repeats + " and " + mlpRepeats);
    }
    List<PolicyRunResult> runs = new ArrayList<>();
    List<Map<String, Object>> medians = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    VirtualClockRun simulator = new VirtualClockRun(lossWindow, new StreamCosts(eventCostMicros / 1e6,
        processorEventCostMicros / 1e6, updateCostMicros / 1e6, publishCostMillis / 1000, 1000, 50));
    for (PolicyScenario scenario : allScenarios()) {
      if (!scenarios.contains(scenario.name())) {
        continue;
      }
      try {
        ModelFactory.create(scenario.modelSpec(), 784);
      } catch (RuntimeException e) {
        String why = "scenario " + scenario.name() + " skipped: the learner cannot build '" + scenario.modelSpec() + "' ("
            + e.getMessage() + ")";
        System.out.println(why);
        skipped.add(why);
        continue;
      }
      BenchStream stream = scenario.streams().apply(0);
      // run r's stream, drawn once for every pattern
      List<BenchStream> runStreams = new ArrayList<>();
      for (int r = 0; r < repeatsOf(scenario); r++) {
        runStreams.add(r == 0 || sameStream ? stream : scenario.streams().apply(r));
      }
      double mean = rate != null ? rate : scenario.arrivalRate();
      warmUp(simulator, scenario, stream, mean);
      for (String patternName : patterns) {
        ArrivalPattern pattern = ArrivalPattern.valueOf(patternName.strip().toUpperCase(Locale.ROOT));
        double[] arrivals = pattern.arrivalTimes(stream.size(), mean);
        // repeats outermost: each policy's r-th run lies next to the others' in time, so a slow spell of this
        // shared machine lands on all of them alike instead of on one policy's every run
        Map<String, List<PolicyRunResult>> cells = new LinkedHashMap<>();
        for (int r = 0; r < repeatsOf(scenario); r++) {
          BenchStream runStream = runStreams.get(r);
          for (String spec : policies) {
            OnlineModel model = ModelFactory.create(scenario.modelSpec(), runStream.featureCount());
            // the optimizer family picks goodput's default learning-rate coupling (AdaScale for SGD, sqrt for Adam)
            BatchingPolicy policy = BatchingPolicies.parse(spec, maxWaitMillis, model.exportState().optimizerSpec());
            StringBuilder trace = traceDir == null ? null
                : new StringBuilder("clock_s,examples,batch,lr,noise_scale,backlog,batch_loss,loss_ema,step_s\n");
            cells.computeIfAbsent(spec, k -> new ArrayList<>()).add(simulator.run(scenario.name(), runStream, arrivals,
                pattern.label(), model, policy, spec, scenario.targetLoss(), trace));
            if (trace != null) {
              Files.createDirectories(traceDir);
              Files.writeString(traceDir.resolve(String.join("-", scenario.name(), pattern.label(),
                  spec.replaceAll("[^A-Za-z0-9=.]+", "_"), Integer.toString(r)) + ".csv"), trace);
            }
          }
        }
        for (Map.Entry<String, List<PolicyRunResult>> cell : cells.entrySet()) {
          runs.addAll(cell.getValue());
          Map<String, Object> median = median(cell.getValue(), mean, stream.size());
          medians.add(median);
          System.out.printf(Locale.ROOT, "%-6s %-8s %-10s to-target %9s ms %8s ex  final %.4f  mean %.4f  staleness %9.2f ms  mean B %7.1f%n",
              scenario.name(), pattern.label(), cell.getKey(), format(median.get("secondsToTarget"), 1000, "%.2f"),
              median.get("examplesToTarget"), (double) median.get("finalLoss"), (double) median.get("meanLoss"),
              (double) median.get("meanStalenessMillis"), (double) median.get("meanBatchSize"));
        }
      }
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("run", BenchRun.describe("policies", command.commandLine().getParseResult().originalArgs()));
    report.put("skipped", skipped);
    report.put("medians", medians);
    report.put("summary", summary(medians));
    if (rawRuns) {
      report.put("runs", runs);
    }
    if (json != null) {
      Files.createDirectories(json.toAbsolutePath().getParent());
      // one line per array element (a median, a summary row), each object on its line: small and diffable
      DefaultPrettyPrinter lines = new DefaultPrettyPrinter()
          .withObjectIndenter(new DefaultIndenter("", ""))
          .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);
      new ObjectMapper().writer(lines).writeValue(json.toFile(), report);
    }
    return 0;
  }

  private int repeatsOf(PolicyScenario scenario) {
    return scenario.name().equals("mlp") ? Math.max(1, Math.min(mlpRepeats, repeats)) : repeats;
  }

  /** Wall time the warm-up runs at least, so that the JIT compiler threads finish on a loaded machine. */
  private static final long WARM_UP_NANOS = 3_000_000_000L;

  /**
   * Compiles the learner's and the policies' hot paths, for small and large batches, before anything is
   * timed. Repeats the warm-up runs for at least {@link #WARM_UP_NANOS}: on a few shared cores the compiler
   * threads lag, and a decision still interpreted costs several times a compiled one (`--trace`'s last column
   * is the decision time). Over the whole stream, not a prefix: code first reached late in the stream would
   * otherwise be compiled during the first timed run.
   */
  private void warmUp(VirtualClockRun simulator, PolicyScenario scenario, BenchStream stream, double mean) {
    long start = System.nanoTime();
    do {
      for (ArrivalPattern pattern : ArrivalPattern.values()) {
        double[] arrivals = pattern.arrivalTimes(stream.size(), mean);
        for (String spec : List.of("fixed:1", "fixed:128", "goodput")) {
          OnlineModel model = ModelFactory.create(scenario.modelSpec(), stream.featureCount());
          simulator.run("warm-up", stream, arrivals, pattern.label(), model,
              BatchingPolicies.parse(spec, maxWaitMillis, model.exportState().optimizerSpec()), spec, 0);
        }
      }
    } while (System.nanoTime() - start < WARM_UP_NANOS);
  }

  /** The median of each measure over the repeats; a target never reached counts as infinitely late. */
  static Map<String, Object> median(List<PolicyRunResult> cell, double rate, int streamSize) {
    PolicyRunResult first = cell.get(0);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scenario", first.scenario());
    m.put("pattern", first.pattern());
    m.put("policy", first.policy());
    m.put("arrivalRate", rate);
    m.put("streamSize", streamSize);
    m.put("targetLoss", first.targetLoss());
    double seconds = Statistics.median(cell.stream().mapToDouble(r -> r.reachedTarget() ? r.secondsToTarget() : Double.POSITIVE_INFINITY).toArray());
    m.put("secondsToTarget", Double.isFinite(seconds) ? significant(seconds) : null);
    double examples = Statistics.median(cell.stream().mapToDouble(r -> r.reachedTarget() ? r.examplesToTarget() : Double.POSITIVE_INFINITY).toArray());
    m.put("examplesToTarget", Double.isFinite(examples) ? (long) examples : null);
    m.put("finalLoss", significant(Statistics.median(cell.stream().mapToDouble(PolicyRunResult::finalLoss).toArray())));
    m.put("meanLoss", significant(Statistics.median(cell.stream().mapToDouble(PolicyRunResult::meanLoss).toArray())));
    m.put("meanStalenessMillis", significant(Statistics.median(cell.stream().mapToDouble(PolicyRunResult::meanStalenessMillis).toArray())));
    m.put("meanBatchSize", significant(Statistics.median(cell.stream().mapToDouble(PolicyRunResult::meanBatchSize).toArray())));
    m.put("updates", (long) Statistics.median(cell.stream().mapToDouble(PolicyRunResult::updates).toArray()));
    m.put("computeSeconds", significant(Statistics.median(cell.stream().mapToDouble(PolicyRunResult::computeSeconds).toArray())));
    m.put("repeats", cell.size());
    return m;
  }

  /** Four significant digits: more than the run-to-run spread, and it keeps the JSON small. */
  static double significant(double value) {
    if (value == 0 || !Double.isFinite(value)) {
      return value;
    }
    return new java.math.BigDecimal(value).round(new java.math.MathContext(4)).doubleValue();
  }

  /** Per scenario and pattern: goodput's time to target against the best fixed size in hindsight and fixed:32. */
  static List<Map<String, Object>> summary(List<Map<String, Object>> medians) {
    Map<String, List<Map<String, Object>>> cells = new LinkedHashMap<>();
    for (Map<String, Object> m : medians) {
      cells.computeIfAbsent(m.get("scenario") + "/" + m.get("pattern"), k -> new ArrayList<>()).add(m);
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (List<Map<String, Object>> cell : cells.values()) {
      Map<String, Object> best = null;
      Map<String, Object> goodput = null;
      Map<String, Object> fixed32 = null;
      for (Map<String, Object> m : cell) {
        String policy = (String) m.get("policy");
        if (policy.startsWith("fixed:")) {
          if (best == null || seconds(m) < seconds(best)) {
            best = m;
          }
          if (policy.equals("fixed:32")) {
            fixed32 = m;
          }
        } else if (policy.startsWith("goodput") && goodput == null) {
          goodput = m;
        }
      }
      if (goodput == null) {
        continue;
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("scenario", cell.get(0).get("scenario"));
      row.put("pattern", cell.get(0).get("pattern"));
      row.put("goodputSeconds", goodput.get("secondsToTarget"));
      row.put("bestFixed", best == null ? null : best.get("policy"));
      row.put("bestFixedSeconds", best == null ? null : best.get("secondsToTarget"));
      row.put("goodputOverBestFixed", best == null ? null : ratio(seconds(goodput), seconds(best)));
      row.put("goodputExamplesOverBestFixed", best == null ? null : ratio(examples(goodput), examples(best)));
      row.put("fixed32OverGoodput", fixed32 == null ? null : ratio(seconds(fixed32), seconds(goodput)));
      Map<String, Object> others = new LinkedHashMap<>();
      for (Map<String, Object> m : cell) {
        if (!((String) m.get("policy")).startsWith("fixed:") && m != goodput) {
          others.put((String) m.get("policy"), best == null ? null : ratio(seconds(m), seconds(best)));
        }
      }
      row.put("otherPoliciesOverBestFixed", others);
      rows.add(row);
    }
    return rows;
  }

  private static double examples(Map<String, Object> m) {
    Object e = m.get("examplesToTarget");
    return e == null ? Double.POSITIVE_INFINITY : ((Number) e).doubleValue();
  }

  private static double seconds(Map<String, Object> m) {
    Object s = m.get("secondsToTarget");
    return s == null ? Double.POSITIVE_INFINITY : (double) s;
  }

  /** a / b, or null when either never reached the target. */
  private static Double ratio(double a, double b) {
    double r = a / b;
    return Double.isFinite(a) && Double.isFinite(b) && Double.isFinite(r) ? significant(r) : null;
  }

  private static String format(Object value, double factor, String pattern) {
    if (value == null) {
      return "not reached";
    }
    double v = ((Number) value).doubleValue() * factor;
    // three significant digits for the small times of the backlog runs
    String p = pattern.equals("%.1f") && Math.abs(v) < 10 ? "%.3f" : pattern;
    return String.format(Locale.ROOT, p, v);
  }
}
