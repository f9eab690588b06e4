package io.batchwise.ingest;

/**
 * What a publish did.
 *
 * @param published valid events the broker acknowledged
 * @param rejected  rows sent to the dead-letter topic
 * @param seconds   wall time of the publish
 */
public record IngestReport(long published, long rejected, double seconds) {
  public double eventsPerSecond() {
    return seconds > 0 ? published / seconds : 0;
  }
}
