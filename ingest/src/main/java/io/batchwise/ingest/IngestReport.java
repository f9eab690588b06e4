package io.batchwise.ingest;

/**
 * The outcome of one {@link EventPublisher#publish} call, after every record was acknowledged.
 *
 * @param published events written to the events topic
 * @param rejected  rows that failed validation, written to the dead-letter topic
 * @param seconds   wall time from the first read to the last acknowledgement
 * @param passes    passes over the source begun
 * @param stopped   true when it ended early: {@link EventPublisher#stop()} or interruption
 */
public record IngestReport(long published, long rejected, double seconds, int passes, boolean stopped) {

  public double eventsPerSecond() {
    return seconds > 0 ? published / seconds : 0.0;
  }

  /** One line for people: counts, time, rate. */
  public String summary() {
    return String.format(java.util.Locale.ROOT, "published %,d events, rejected %,d rows in %.1f s (%,.0f events/s)%s",
        published, rejected, seconds, eventsPerSecond(), stopped ? ", stopped early" : "");
  }
}
