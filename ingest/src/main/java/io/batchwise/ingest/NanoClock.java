package io.batchwise.ingest;

import java.util.concurrent.TimeUnit;

/** Monotonic time and sleeping, injectable so pacing can be tested without a wall clock. */
public interface NanoClock {
  long nanoTime();

  void sleepNanos(long nanos) throws InterruptedException;

  /** {@link System#nanoTime()} and a real sleep. */
  static NanoClock system() {
    return new NanoClock() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public void sleepNanos(long nanos) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(nanos);
      }
    };
  }
}
