package io.batchwise.policy;

/** The offline habit (Keras' {@code batch_size=32}): the same B for every batch, learning rate unscaled. */
public final class FixedPolicy implements BatchingPolicy {
  private final BatchDecision decision;

  public FixedPolicy(int batchSize, long maxWaitMillis) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    this.decision = new BatchDecision(batchSize, 1.0, maxWaitMillis, Double.NaN);
  }

  @Override
  public String spec() {
    return "fixed:" + decision.batchSize();
  }

  @Override
  public BatchDecision initial() {
    return decision;
  }

  @Override
  public BatchDecision next(BatchObservation observation) {
    return decision;
  }

  @Override
  public PolicyState exportState() {
    return PolicyState.EMPTY;
  }

  @Override
  public void restoreState(PolicyState state) {
  }
}
