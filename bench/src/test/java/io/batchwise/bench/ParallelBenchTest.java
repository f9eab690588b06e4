package io.batchwise.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.batchwise.policy.SyncPeriod;

class ParallelBenchTest {
  private static final StreamCosts COSTS = new StreamCosts(7e-6, 6e-6, 5e-6, 0, 1000, 50);
  private static final ParallelClockRun.SyncCosts SYNC = new ParallelClockRun.SyncCosts(0.01, 125e6, 0.002, 20);

  /** The simulator runs the deployed replicas and merge: every event ends up in the merged model exactly once. */
  @Test
  void theMergedModelIncludesEveryEventOnce() {
    BenchStream stream = ScenarioStreams.uniformConcept(12_000, 10, 0.1, 5);
    ParallelClockRun simulator = new ParallelClockRun(COSTS, SYNC, 1000);
    for (String period : List.of("4", SyncPeriod.ADAPTIVE)) {
      ParallelClockRun.Result run = simulator.run("small", stream, 3, "logistic", "sgd:0.0005", "fixed:8",
          SyncPeriod.parse(period, 1000), 0.5, 1);
      assertTrue(Double.isFinite(run.secondsToAll()), "a published version includes all 12,000 events: " + run);
      assertTrue(run.merges() > 0 && run.meanSyncUpdates() >= 1, run.toString());
      assertTrue(run.bytesPerMerge() > 8 * 11, "a delta carries the parameters: " + run.bytesPerMerge());
    }
    ParallelClockRun.Result alone = simulator.run("small", stream, 1, "logistic", "sgd:0.0005", "fixed:8",
        SyncPeriod.parse("4", 1000), 0.5, 1);
    assertTrue(Double.isFinite(alone.secondsToAll()));
    assertEquals(0, alone.merges());
  }

  private static Map<String, Object> cell(int k, String period, double seconds, double combinedOverNoise) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scenario", "small");
    m.put("learners", k);
    m.put("period", period);
    m.put("secondsToTarget", seconds);
    m.put("combinedBatchOverNoiseScale", combinedOverNoise);
    return m;
  }

  @Test
  void theTargetsCompareWithOneLearnerAndTheBestFixedPeriodInHindsight() {
    List<Map<String, Object>> medians = new ArrayList<>(List.of(cell(1, "adaptive", 8.0, Double.NaN),
        cell(4, "adaptive", 2.5, 0.5), cell(4, "1", 2.4, 0.1), cell(4, "16", Double.NaN, 2.0), cell(4, "256", 3.0, 9.0)));
    Map<String, Object> t = ParallelBenchCommand.targets(medians).get(0);
    assertEquals(4, t.get("learners"));
    assertEquals(8.0 / 2.5, (Double) t.get("adaptiveSpeedup"), 1e-12);
    assertEquals("1", t.get("bestFixedPeriod"), "a period that never reached the target is no best");
    assertEquals(8.0 / 2.4, (Double) t.get("bestFixedSpeedup"), 1e-12);
    assertEquals(2.5 / 2.4, (Double) t.get("adaptiveOverBestFixed"), 1e-12);
    assertEquals(2.8, (Double) t.get("speedupTarget"), 1e-12);

    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("run", Map.of("bench", "parallel", "command", "./batchwise bench parallel", "date", "d", "machine", "m"));
    doc.put("settings", Map.of("repeats", 1));
    doc.put("scenarios", List.of(Map.of("name", "small", "description", "a test", "policy", "fixed:8", "targetLoss", 0.4)));
    doc.put("medians", medians);
    doc.put("targets", ParallelBenchCommand.targets(medians));
    String md = RenderCommand.tables(new ObjectMapper().valueToTree(doc));
    assertTrue(md.contains("| 4 | 16 | not reached |"), md);
    assertTrue(md.contains("| small | 4 | 3.20 | 0.50 | 1 | 3.33 | 2.8 | 1.04 |"), md);
  }
}
