package io.batchwise.ingest;

/** Time that moves only when asked: by each sleep (plus a fixed oversleep) and by a step on every reading. */
final class FakeNanoClock implements NanoClock {
  long now = 1_000_000_000L;
  final long oversleepNanos;
  final long stepPerReadNanos;
  int sleeps;

  FakeNanoClock(long oversleepNanos, long stepPerReadNanos) {
    this.oversleepNanos = oversleepNanos;
    this.stepPerReadNanos = stepPerReadNanos;
  }

  @Override
  public long nanoTime() {
    now += stepPerReadNanos;
    return now;
  }

  @Override
  public void sleepNanos(long nanos) {
    sleeps++;
    now += nanos + oversleepNanos;
  }
}
