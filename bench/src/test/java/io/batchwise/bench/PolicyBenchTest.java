package io.batchwise.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.learner.model.ModelFactory;
import io.batchwise.policy.BatchingPolicies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyBenchTest {

  /** Only the marked blocks change, each rendered from its JSON with the command, date and machine that made it. */
  @Test
  void rendersOnlyTheMarkedBlocksFromTheirJson(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("pipeline.json"), """
        {"run": {"bench": "pipeline", "command": "./batchwise bench pipeline", "date": "2026-12-03T06:00Z", "machine": "2 cores"},
         "medians": [{"scenario": "elec", "pattern": "replay", "policy": "goodput", "logLoss": 0.3193,
           "predictedLogLoss": 0.3194, "secondsToLastEvent": 2.5, "meanStalenessMillis": 900, "p99StalenessMillis": 1800,
           "meanBatchSize": 1.0}],
         "runs": [
           {"scenario": "elec", "pattern": "replay", "policy": "goodput", "repeat": 0, "logLoss": 0.32, "secondsToLastEvent": 3.0},
           {"scenario": "elec", "pattern": "replay", "policy": "fixed:1", "repeat": 0, "logLoss": 0.319, "secondsToLastEvent": 2.5},
           {"scenario": "elec", "pattern": "replay", "policy": "fixed:32", "repeat": 0, "logLoss": 0.47, "secondsToLastEvent": 1.5}]}
        """);
    String text = "# Benchmarks\n\nprose stays\n\n<!-- bench:pipeline -->\nold table\n<!-- /bench:pipeline -->\n\nmore prose\n";
    String rendered = RenderCommand.render(text, dir);
    assertTrue(rendered.startsWith("# Benchmarks\n\nprose stays\n\n<!-- bench:pipeline -->\n`./batchwise bench pipeline` "
        + "(2026-12-03T06:00Z, 2 cores)"), rendered);
    assertTrue(rendered.contains("| elec | replay | goodput | 0.3193 (0.3194) | 2.50 (-) | 900 | 1800 | 1.0 (-) |"), rendered);
    assertTrue(rendered.contains("| elec | replay | +0.0010 (fixed:1) | 2.00 (fixed:32) |"), "per repeat: " + rendered);
    assertTrue(rendered.endsWith("<!-- /bench:pipeline -->\n\nmore prose\n") && !rendered.contains("old table"), rendered);
    assertEquals(rendered, RenderCommand.render(rendered, dir), "rendering twice changes nothing");
  }

  /** A profiled pipeline run gets a table of the stream thread's time, each group the sum of its categories. */
  @Test
  void rendersTheStreamThreadsTimeByGroupWhereProfiled(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("pipeline.json"), """
        {"run": {"bench": "pipeline", "command": "./batchwise bench pipeline --profile", "date": "2026-12-04T07:00Z",
          "machine": "2 cores"},
         "medians": [{"scenario": "elec", "pattern": "replay", "policy": "goodput", "logLoss": 0.3193,
           "secondsToLastEvent": 1.25, "meanStalenessMillis": 900, "p99StalenessMillis": 1800, "meanBatchSize": 1.0,
           "sampledMillis": 400, "millis: decode": 50, "millis: validate": 3, "millis: buffer": 2, "millis: model step": 20,
           "millis: policy decision": 15, "millis: learning loop (other)": 6, "millis: processor (other)": 4,
           "millis: publish: checkpoint": 3, "millis: publish: snapshot": 2, "millis: Kafka: fetching records": 100,
           "millis: Kafka Streams: record handling": 120, "millis: waiting for records": 70, "millis: other": 5,
           "compilingSeconds": 0.81}],
         "runs": []}
        """);
    String rendered = RenderCommand.render("<!-- bench:pipeline -->\n<!-- /bench:pipeline -->\n", dir);
    assertTrue(rendered.contains("| scenario | pattern | policy | to the last event, s | sampled, ms | decode, validate, buffer "
        + "| model step | policy decision | loop and processor (other) | publish | Kafka | waiting for records | other "
        + "| JIT compiling, s |\n|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"), rendered);
    assertTrue(rendered.contains("| elec | replay | goodput | 1.25 | 400 | 55 | 20 | 15 | 10 | 5 | 220 | 70 | 5 | 0.81 |"),
        rendered);
  }

  @Test
  void rendersJmhScores(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("jmh.json"), """
        {"run": {"bench": "jmh", "command": "./batchwise bench jmh --json docs/bench/jmh.json", "date": "2026-12-03T08:00Z",
          "machine": "2 cores"},
         "results": [{"benchmark": "PolicyDecisionBenchmark.decide", "params": {"policy": "goodput"}, "mode": "avgt",
           "score": 174.123, "error": 3.21, "unit": "ns/op"}]}
        """);
    String rendered = RenderCommand.render("<!-- bench:jmh -->\n<!-- /bench:jmh -->\n", dir);
    assertTrue(rendered.contains("| PolicyDecisionBenchmark.decide | policy=goodput | 174.1 | 3.2 | ns/op |"), rendered);
  }

  @Test
  void eachRunOfASyntheticScenarioDrawsItsOwnStreamReproducibly() {
    for (PolicyScenario scenario : new PolicyBenchCommand().allScenarios()) {
      if (scenario.name().equals("elec")) {
        continue; // one recorded stream
      }
      BenchStream first = scenario.streams().apply(0);
      BenchStream again = scenario.streams().apply(0);
      BenchStream second = scenario.streams().apply(1);
      double[] a = new double[first.featureCount()];
      double[] b = new double[first.featureCount()];
      double[] c = new double[first.featureCount()];
      first.features(0, a);
      again.features(0, b);
      second.features(0, c);
      assertEquals(first.size(), second.size(), scenario.name());
      assertArrayEquals(a, b, scenario.name() + ": the same seed, the same stream");
      assertFalse(java.util.Arrays.equals(a, c), scenario.name() + ": run 1 learns another stream");
    }
  }

  @Test
  void theSummaryComesFromTheMedians() {
    java.util.List<java.util.Map<String, Object>> medians = new java.util.ArrayList<>();
    // a: goodput ties fixed:1, fixed:32 never reaches; b: goodput 1.2x the best on as many examples, and 1.875x
    // faster than fixed:32; c: goodput never reaches; d: 400 events at 100/s, the first 100 waiting, so 301 have arrived at
    // 2.0 s, when goodput would have to reach the target to be 1.5x faster than fixed:32 (3.0 s), but it needs 340
    Object[][] cells = {{"a", "backlog", "fixed:1", 1.0, 10L}, {"a", "backlog", "fixed:32", null, null},
        {"a", "backlog", "goodput", 1.0, 10L}, {"b", "backlog", "fixed:8", 1.0, 100L}, {"b", "backlog", "fixed:32", 2.25, 300L},
        {"b", "backlog", "goodput", 1.2, 100L}, {"c", "steady", "fixed:8", 1.0, 10L}, {"c", "steady", "goodput", null, null},
        {"d", "backlog", "fixed:32", 3.0, 350L}, {"d", "backlog", "goodput", 2.4, 340L}};
    for (Object[] c : cells) {
      java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("scenario", c[0]);
      m.put("pattern", c[1]);
      m.put("policy", c[2]);
      m.put("arrivalRate", 100.0);
      m.put("streamSize", 400);
      m.put("secondsToTarget", c[3]);
      m.put("examplesToTarget", c[4]);
      medians.add(m);
    }
    java.util.List<java.util.Map<String, Object>> summary = PolicyBenchCommand.summary(medians);
    assertEquals(4, summary.size());
    assertEquals(1.0, summary.get(0).get("goodputOverBestFixed"));
    assertEquals(null, summary.get(0).get("fixed32OverGoodput"));
    assertEquals(1.2, summary.get(1).get("goodputOverBestFixed"));
    assertEquals(1.0, summary.get(1).get("goodputExamplesOverBestFixed"));
    assertEquals(1.875, summary.get(1).get("fixed32OverGoodput"));
  }

  @Test
  void arrivalPatternsKeepTheMeanRate() {
    int n = 10_000;
    double rate = 1_000;
    for (ArrivalPattern p : List.of(ArrivalPattern.STEADY, ArrivalPattern.BURSTY, ArrivalPattern.BACKLOG)) {
      double[] t = p.arrivalTimes(n, rate);
      for (int i = 1; i < n; i++) {
        assertTrue(t[i] >= t[i - 1], p + " is ordered");
      }
      assertEquals(n / rate, t[n - 1] - t[0], 0.1 * n / rate, p + " spans n / rate");
    }
    assertEquals(n / 4, java.util.Arrays.stream(ArrivalPattern.BACKLOG.arrivalTimes(n, rate)).filter(x -> x <= 0).count() - 1);
    assertTrue(java.util.Arrays.stream(ArrivalPattern.REPLAY.arrivalTimes(n, rate)).allMatch(x -> x == 0));
  }

  /** Known answers on a 1-ms punctuation that publishes whenever an update is new, at one event per ms. */
  @Test
  void virtualClockAccountsEveryEventOnce() {
    DenseStream stream = ScenarioStreams.drifting(5_000, 4, 1_000, 3);
    double rate = 1_000; // one event per ms: a logistic step is far shorter, so every batch waits to fill
    double[] arrivals = ArrivalPattern.STEADY.arrivalTimes(stream.size(), rate);
    VirtualClockRun run = new VirtualClockRun(500, new StreamCosts(0, 0, 0, 0, 0, 1), halfMicrosecondSteps());
    PolicyRunResult one = run.run("t", stream, arrivals, "steady", ModelFactory.create("logistic", 4),
        BatchingPolicies.parse("fixed:1", 500), "fixed:1", 10);
    assertEquals(5_000, one.updates());
    assertEquals(1.0, one.meanBatchSize());
    assertEquals(1.0, one.meanStalenessMillis(), 0.1, "learned on arrival, published at the next punctuation");
    PolicyRunResult fifty = run.run("t", stream, arrivals, "steady", ModelFactory.create("logistic", 4),
        BatchingPolicies.parse("fixed:50", 500), "fixed:50", 10);
    assertEquals(100, fifty.updates());
    // the i-th event of a batch of 50 waits for the 49 - i after it, then for the punctuation: 25.5 ms on average
    assertEquals(25.5, fifty.meanStalenessMillis(), 0.5);
    assertEquals(5.0 - 0.001, fifty.virtualSeconds(), 0.01);
    // a target loss of 10 is met as soon as the loss average spans its 500 examples
    assertEquals(500, one.examplesToTarget());
    assertEquals(0.499, one.secondsToTarget(), 0.01);
    PolicyRunResult waits = run.run("t", stream, arrivals, "steady", ModelFactory.create("logistic", 4),
        BatchingPolicies.parse("fixed:2048", 20), "fixed:2048", 10);
    assertTrue(waits.meanBatchSize() <= 21.5, "the max wait of 20 ms flushes batches of about 20: " + waits.meanBatchSize());
  }

  /** A stream that costs 2 ms an event, fed one a ms: the thread is the bottleneck, and the run takes 2 ms an event. */
  @Test
  void virtualClockChargesTheStreamsCostPerEvent() {
    DenseStream stream = ScenarioStreams.drifting(2_000, 4, 1_000, 3);
    double[] arrivals = ArrivalPattern.STEADY.arrivalTimes(stream.size(), 1_000);
    PolicyRunResult slow = new VirtualClockRun(500, new StreamCosts(0.002, 0, 0, 0, 1000, 50), halfMicrosecondSteps())
        .run("t", stream, arrivals,
        "steady", ModelFactory.create("logistic", 4), BatchingPolicies.parse("fixed:1", 500), "fixed:1", 10);
    assertEquals(4.0, slow.virtualSeconds(), 0.05);
  }

  /** A step clock that advances 0.5 us a reading: every step takes 0.5 us, whatever else runs on the machine. */
  private static java.util.function.LongSupplier halfMicrosecondSteps() {
    long[] nanos = {0};
    return () -> nanos[0] += 500;
  }
}
