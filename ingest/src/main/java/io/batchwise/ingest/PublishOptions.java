package io.batchwise.ingest;

/**
 * How a source is published.
 *
 * @param eventsPerSecond pace of publishing; 0 publishes as fast as the producer takes them (default 0)
 * @param passes          times the source is replayed from its start; 0 replays forever (default 1)
 * @param limit           stop after this many valid events; 0 means no limit (default 0)
 */
public record PublishOptions(double eventsPerSecond, long passes, long limit) {
  public PublishOptions {
    if (eventsPerSecond < 0 || !Double.isFinite(eventsPerSecond)) {
      throw new IllegalArgumentException("rate must be a finite number >= 0, got " + eventsPerSecond);
    }
    if (passes < 0 || limit < 0) {
      throw new IllegalArgumentException("passes and limit must be >= 0");
    }
  }

  public static PublishOptions defaults() {
    return new PublishOptions(0, 1, 0);
  }
}
