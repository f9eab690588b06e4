package io.batchwise.bench;

/**
 * What the stream costs the learner's thread besides the learning itself, for the virtual clock to charge: the
 * costs that a real run through Kafka measures and the policy bench otherwise would not see.
 *
 * @param eventSeconds          the stream thread's time per event outside the learning step: fetching, Kafka
 *                              Streams' handling, decoding, validating, buffering (and, in a replay, waiting for
 *                              fetches); from a real run, (wall time - time in steps) / events
 * @param processorEventSeconds the part of it the learner's processor measures itself and reports to the policy
 *                              (decoding, validating, buffering)
 * @param publishSeconds        one publication: checkpoint, snapshot and metrics summary
 * @param snapshotIntervalMillis {@code snapshot.interval.ms}
 * @param punctuateMillis       {@code punctuate.interval.ms}
 */
public record StreamCosts(double eventSeconds, double processorEventSeconds, double publishSeconds,
    long snapshotIntervalMillis, long punctuateMillis) {

  /** No stream at all: the learning step is the only cost (the policy bench's default, as before costs were charged). */
  public static final StreamCosts NONE = new StreamCosts(0, 0, 0, 1000, 50);

  public StreamCosts {
    if (!(eventSeconds >= 0) || !(processorEventSeconds >= 0) || !(publishSeconds >= 0) || snapshotIntervalMillis < 0
        || punctuateMillis < 1) {
      throw new IllegalArgumentException("stream costs must be finite and non-negative, the punctuation at least 1 ms");
    }
  }
}
