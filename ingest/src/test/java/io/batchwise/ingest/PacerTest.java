package io.batchwise.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class PacerTest {

  @Test
  void dueTimesFollowTheRate() {
    assertEquals(100, Pacer.dueAt(100, 0, 1000));
    assertEquals(100 + 1_000_000, Pacer.dueAt(100, 1, 1000));
    assertEquals(100 + 2_500_000_000L, Pacer.dueAt(100, 5, 2));
  }

  @Test
  void shortWaitsAreSkippedAndLongOnesSleptInSlices() throws InterruptedException {
    FakeNanoClock clock = new FakeNanoClock(0, 0);
    Pacer pacer = new Pacer(clock, 200_000_000L);
    long start = clock.now;
    pacer.awaitUntil(start + Pacer.MIN_SLEEP_NANOS - 1, () -> true);
    assertEquals(0, clock.sleeps, "under 1 ms ahead: go now, no sleep");
    List<Long> ticks = new ArrayList<>();
    pacer.awaitUntil(start + 1_000_000_000L, () -> ticks.add(clock.now));
    assertEquals(start + 1_000_000_000L, clock.now);
    assertEquals(5, clock.sleeps, "1 s in slices of 200 ms");
    assertEquals(5, ticks.size());
    pacer.awaitUntil(start, () -> true);
    assertEquals(5, clock.sleeps, "a past deadline never sleeps");
  }

  @Test
  void aStopRequestEndsTheWait() throws InterruptedException {
    FakeNanoClock clock = new FakeNanoClock(0, 0);
    Pacer pacer = new Pacer(clock, 100_000_000L);
    pacer.awaitUntil(clock.now + 10_000_000_000L, () -> false);
    assertEquals(1, clock.sleeps);
  }
}
