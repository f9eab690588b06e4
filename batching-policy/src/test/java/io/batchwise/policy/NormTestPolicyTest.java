package io.batchwise.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NormTestPolicyTest {

  @Test
  void choosesTheBatchWhoseMeanGradientVarianceIsThetaSquaredTimesTheSignal() {
    BatchingPolicy p = BatchingPolicies.parse("normtest:theta=0.5,window=1e-3", 500);
    assertEquals(2, p.initial().batchSize());
    // tr(Sigma) = 30, |G|^2 = 2: B_noise = 15, B = ceil(15 / 0.25) = 60
    BatchDecision d = p.next(new BatchObservation(10, 1e-3, 0.01, 1000, 0, 2 + 30, 2 + 3));
    assertEquals(60, d.batchSize());
    assertEquals(15, d.noiseScale(), 1e-12);
  }

  @Test
  void boundsAndDegenerateInputs() {
    BatchingPolicy p = BatchingPolicies.parse("normtest:max=100,window=1e-3", 500);
    assertEquals(100, p.next(new BatchObservation(10, 1e-3, 0.01, 1000, 0, 1e6, 1)).batchSize());
    BatchDecision d = p.next(new BatchObservation(10, Double.NaN, Double.NaN, Double.NaN, -1, Double.NaN, Double.NaN));
    assertEquals(100, d.batchSize());
    BatchingPolicy q = BatchingPolicies.parse("normtest", 500);
    q.next(new BatchObservation(10, 1e-3, 0.01, 1000, 0, 20, 4));
    BatchingPolicy r = BatchingPolicies.parse("normtest", 500);
    r.restoreState(PolicyState.decode(q.exportState().encode()));
    assertEquals(q.exportState(), r.exportState());
  }
}
