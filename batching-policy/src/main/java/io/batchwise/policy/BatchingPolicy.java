package io.batchwise.policy;

/**
 * Chooses the size of each micro-batch (and the learning-rate multiplier that goes with it) from what
 * the learner measured on the previous ones. One instance per model; not thread-safe.
 */
public interface BatchingPolicy {
  /** The spec this policy was built from, e.g. {@code fixed:32} or {@code goodput}. */
  String spec();

  /** The decision in force before any observation. */
  BatchDecision initial();

  /** Folds in one observation and decides the next batch. */
  BatchDecision next(BatchObservation observation);

  /** What the policy has learned about the stream, so a restarted learner resumes where it stopped. */
  PolicyState exportState();

  /**
   * Restores what {@link #exportState()} returned. {@link PolicyState#EMPTY}, or the state of another kind of policy
   * (the learner was restarted with another spec), leaves the initial state.
   */
  void restoreState(PolicyState state);
}
