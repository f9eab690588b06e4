package io.batchwise.learner.stream;

/**
 * How long this instance's exactly-once commits take: the time its transactional producers spend sending the consumed
 * offsets into a transaction and committing it (which flushes its records first), over the stream threads' commits,
 * both from Kafka's own metrics. Kafka Streams commits on the stream thread, so this is how long each commit a
 * learner asks for holds it up; a model's home asks for one with each merged version and spaces them by it
 * ({@link ModelMerge#publishIntervalMillis}). Written by a poller of the metrics, read by the stream thread.
 */
final class CommitCost {
  /** The mean is taken over at least this many commits, the last ones counted. */
  static final double WINDOW_COMMITS = 10;

  private volatile double millis = Double.NaN;
  private double windowStartNanos = Double.NaN;
  private double windowStartCommits;

  /**
   * A reading of the totals so far.
   *
   * @param nanos   time in {@code sendOffsetsToTransaction} and {@code commitTransaction}, over every producer
   * @param commits the stream threads' commits
   */
  void update(double nanos, double commits) {
    if (Double.isNaN(windowStartNanos) || commits < windowStartCommits) {
      windowStartNanos = nanos;  // the first reading, or a restarted client's totals
      windowStartCommits = commits;
      return;
    }
    double counted = commits - windowStartCommits;
    if (counted >= WINDOW_COMMITS) {
      millis = Math.max(0, nanos - windowStartNanos) / counted / 1e6;
      windowStartNanos = nanos;
      windowStartCommits = commits;
    }
  }

  /** Mean ms per commit over the last window; NaN until one was counted. */
  double millis() {
    return millis;
  }
}
