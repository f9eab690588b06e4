package io.batchwise.ingest;

import java.util.function.BooleanSupplier;

/**
 * Holds each send back until its scheduled time. Schedules are absolute (event i is due at
 * {@code anchor + i / rate}), so oversleeping or a slow send never accumulates into drift: the events after a
 * late one go out at once until the schedule is caught up. No busy waiting: a wait shorter than
 * {@link #MIN_SLEEP_NANOS} is skipped (the event goes out up to that much early), longer ones sleep, in slices
 * of at most {@code sliceNanos} so a caller can report progress and notice a stop request.
 */
final class Pacer {
  static final long MIN_SLEEP_NANOS = 1_000_000L;

  private final NanoClock clock;
  private final long sliceNanos;

  Pacer(NanoClock clock, long sliceNanos) {
    this.clock = clock;
    this.sliceNanos = Math.max(MIN_SLEEP_NANOS, sliceNanos);
  }

  /** The time event {@code index} (0-based) is due at {@code rate} events/s when event 0 went at {@code startNanos}. */
  static long dueAt(long startNanos, long index, double rate) {
    return startNanos + (long) (index * (1e9 / rate));
  }

  /**
   * Sleeps until {@code deadlineNanos}; after each slice calls {@code keepWaiting}, and returns early when it
   * says false.
   */
  void awaitUntil(long deadlineNanos, BooleanSupplier keepWaiting) throws InterruptedException {
    long wait = deadlineNanos - clock.nanoTime();
    while (wait >= MIN_SLEEP_NANOS) {
      clock.sleepNanos(Math.min(wait, sliceNanos));
      if (!keepWaiting.getAsBoolean()) {
        return;
      }
      wait = deadlineNanos - clock.nanoTime();
    }
  }
}
