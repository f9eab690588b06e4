package io.batchwise.learner.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CommitCostTest {
  @Test
  void meanOverAWindowOfCommitsFromTheTotals() {
    CommitCost cost = new CommitCost();
    cost.update(5e8, 3);  // what came before the first reading (start-up) is not counted
    assertTrue(Double.isNaN(cost.millis()));
    cost.update(5e8 + 9 * 4e6, 12);  // 9 commits: not yet a window
    assertTrue(Double.isNaN(cost.millis()));
    cost.update(5e8 + 9 * 4e6 + 4e6 + 20e6, 14);  // 11 commits, 60 ms
    assertEquals(60.0 / 11, cost.millis(), 1e-12);
    cost.update(5e8 + 100e6, 14);  // no commit since: the last mean stays
    assertEquals(60.0 / 11, cost.millis(), 1e-12);
  }

  @Test
  void aClientWhoseTotalsStartAgainStartsANewWindow() {
    CommitCost cost = new CommitCost();
    cost.update(0, 0);
    cost.update(100e6, 10);
    assertEquals(10.0, cost.millis(), 1e-12);
    cost.update(1e6, 1);  // a new stream thread after a failure: its totals restart
    assertEquals(10.0, cost.millis(), 1e-12);
    cost.update(1e6 + 30e6, 11);
    assertEquals(3.0, cost.millis(), 1e-12);
  }

  @Test
  void aHomeSpacesItsMergedVersionsByWhatACommitCosts() {
    assertEquals(20, ModelMerge.publishIntervalMillis(20, 200, Double.NaN), "nothing measured: merge.interval.ms");
    assertEquals(20, ModelMerge.publishIntervalMillis(20, 200, 4), "commits within the share");
    assertEquals(40, ModelMerge.publishIntervalMillis(20, 200, 10), "a commit at most a quarter of the time");
    assertEquals(81, ModelMerge.publishIntervalMillis(20, 200, 20.1));
    assertEquals(200, ModelMerge.publishIntervalMillis(20, 200, 500), "never past snapshot.interval.ms");
    assertEquals(100, ModelMerge.publishIntervalMillis(1000, 100, 10), "nor is merge.interval.ms");
  }
}
