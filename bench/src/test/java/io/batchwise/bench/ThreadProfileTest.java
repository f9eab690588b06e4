package io.batchwise.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThreadProfileTest {
  private static volatile double sink;

  /** A thread named as a stream thread, busy in batchwise code: its samples fall in the window it ran in, none outside. */
  @Test
  void readsTheSamplesOfTheNamedThreadWithinTheWindow(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("busy.jfr");
    Instant started;
    Instant ended;
    try (Recording recording = new Recording()) {
      recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
      recording.enable("jdk.Compilation").withThreshold(Duration.ZERO);
      recording.start();
      started = Instant.now();
      Thread busy = new Thread(() -> spin(400_000_000L), "app-1-StreamThread-1");
      busy.start();
      busy.join();
      ended = Instant.now();
      recording.stop();
      recording.dump(file);
    }
    String thread = "app-1-StreamThread-\\d+";
    ThreadProfile whole = ThreadProfile.read(file, thread);
    assertTrue(whole.total() > 10, "a busy thread is sampled every millisecond: " + whole.samples());
    assertTrue(whole.samples().getOrDefault("processor (other)", 0L) > whole.total() / 2, whole.samples().toString());

    // a second's margin for the recording's clock against Instant.now(); outside it, a minute before the run
    ThreadProfile window = ThreadProfile.read(file, thread, started.minusSeconds(1), ended.plusSeconds(1));
    assertEquals(whole.total(), window.total(), "every sample lies within the thread's run");
    assertTrue(window.compilingSeconds() >= 0);

    ThreadProfile before = ThreadProfile.read(file, thread, Instant.EPOCH, started.minusSeconds(60));
    assertEquals(Map.of(), before.samples());
    assertEquals(0.0, before.compilingSeconds());
    assertEquals(0, ThreadProfile.read(file, "another-StreamThread-\\d+").total());
  }

  private static void spin(long nanos) {
    long end = System.nanoTime() + nanos;
    double x = 0;
    while (System.nanoTime() < end) {
      // Java code between the clock reads, which are native calls the execution samples do not see
      for (int i = 0; i < 1_000_000; i++) {
        x += Math.sqrt(x + i);
      }
    }
    sink = x;
  }
}
