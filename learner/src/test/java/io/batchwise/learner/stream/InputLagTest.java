package io.batchwise.learner.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class InputLagTest {
  private static final TopicPartition P = new TopicPartition("events", 0);

  @Test
  void lagIsTheRecordsBehindAnOffset() {
    InputLag lag = new InputLag();
    assertEquals(-1, lag.lagAfter(P, 10));
    assertTrue(Double.isNaN(lag.appendRate(P)));
    lag.update(P, 1000, 0);
    assertEquals(989, lag.lagAfter(P, 10)); // offsets 11..999
    assertEquals(0, lag.lagAfter(P, 999));
    assertEquals(0, lag.lagAfter(P, 5000)); // a stale end offset never gives a negative lag
    assertEquals(-1, lag.lagAfter(new TopicPartition("events", 1), 10));
  }

  @Test
  void appendRateCountsWholeWindowsAndDropsToZeroWhenAppendsStop() {
    InputLag lag = new InputLag();
    lag.update(P, 0, 0);
    lag.update(P, 300, 100); // within the first window: no rate yet, but the end offset moves
    assertTrue(Double.isNaN(lag.appendRate(P)));
    assertEquals(299, lag.lagAfter(P, 0));
    lag.update(P, 1000, InputLag.RATE_WINDOW_MILLIS);
    assertEquals(1000 * 1000.0 / InputLag.RATE_WINDOW_MILLIS, lag.appendRate(P), 1e-9);
    lag.update(P, 1000, 2 * InputLag.RATE_WINDOW_MILLIS); // a replay: nothing appended since
    assertEquals(0.0, lag.appendRate(P));
    lag.update(P, 900, 3 * InputLag.RATE_WINDOW_MILLIS); // an older reading never moves the end back
    assertEquals(0, lag.lagAfter(P, 999));
    assertEquals(0.0, lag.appendRate(P));
  }

  @Test
  void anOldNewestRecordMeansNothingArrivesFromTheFirstReading() {
    InputLag replay = new InputLag();
    replay.update(P, 45_312, 10_000);
    replay.newestRecordAt(P, 10_000 - InputLag.RATE_WINDOW_MILLIS, 10_000);
    assertTrue(replay.knowsRate(P));
    assertEquals(0.0, replay.appendRate(P));
    InputLag live = new InputLag();
    live.update(P, 45_312, 10_000);
    live.newestRecordAt(P, 9_990, 10_000); // appended 10 ms ago: wait for a window of appends
    assertTrue(Double.isNaN(live.appendRate(P)));
    live.update(P, 46_312, 10_000 + InputLag.RATE_WINDOW_MILLIS);
    live.newestRecordAt(P, 0, 20_000); // a measured rate is not overwritten
    assertEquals(1000 * 1000.0 / InputLag.RATE_WINDOW_MILLIS, live.appendRate(P), 1e-9);
  }
}
