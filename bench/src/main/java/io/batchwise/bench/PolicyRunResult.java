package io.batchwise.bench;

/**
 * What one policy did on one scenario and arrival pattern, on the virtual clock.
 *
 * @param scenario              scenario name
 * @param pattern               arrival pattern
 * @param policy                policy spec as given
 * @param targetLoss            the loss-EMA target of the scenario
 * @param secondsToTarget       virtual seconds from the learner's start until the loss EMA first reached the target; NaN if never
 * @param examplesToTarget      examples learned when it did; -1 if never
 * @param finalLoss             mean prequential log loss over the last 10% of the stream
 * @param meanLoss              mean prequential log loss over the whole stream
 * @param meanStalenessMillis   mean over events of (time the first snapshot containing it was published - its arrival)
 * @param updates               optimizer steps taken
 * @param meanBatchSize         examples per step
 * @param virtualSeconds        virtual time from start until the last event was learned
 * @param lastSnapshotSeconds   virtual time from start until the first snapshot with every event was published
 * @param computeSeconds        measured time spent in learn() and the policy, summed
 */
public record PolicyRunResult(
    String scenario,
    String pattern,
    String policy,
    double targetLoss,
    double secondsToTarget,
    long examplesToTarget,
    double finalLoss,
    double meanLoss,
    double meanStalenessMillis,
    long updates,
    double meanBatchSize,
    double virtualSeconds,
    double lastSnapshotSeconds,
    double computeSeconds) {

  public boolean reachedTarget() {
    return examplesToTarget >= 0;
  }
}
