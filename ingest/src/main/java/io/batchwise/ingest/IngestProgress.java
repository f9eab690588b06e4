package io.batchwise.ingest;

/**
 * Where a running publish stands.
 *
 * @param published       events sent so far (not yet necessarily acknowledged)
 * @param rejected        rows sent to the dead-letter topic so far
 * @param seconds         since the publish began
 * @param recentPerSecond events/s over the interval since the previous progress report
 * @param pass            the 1-based pass over the source
 */
public record IngestProgress(long published, long rejected, double seconds, double recentPerSecond, int pass) {
}
