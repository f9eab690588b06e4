package io.batchwise.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BatchingPoliciesTest {

  @Test
  void goodputDefaultsAreTheDocumentedOnes() {
    GoodputConfig c = ((GoodputPolicy) BatchingPolicies.parse(BatchingPolicies.DEFAULT_SPEC, 500)).config();
    // SGD rates of online learners are per-example: b0 = 1, and batches of one are allowed
    assertEquals(new GoodputConfig(1, 4096, 500, 64L << 20, 0, LearningRateCoupling.ADASCALE, 1, 1, 0, 1.25, 5000,
        1000, 2, OptimizerFamily.SGD, true, 1), c);
    assertEquals(GoodputConfig.defaults(500, "sgd"), c);
    GoodputConfig adam = ((GoodputPolicy) BatchingPolicies.parse("goodput", 500, "adam:0.001")).config();
    assertEquals(LearningRateCoupling.SQRT, adam.coupling());
    assertEquals(32, adam.baseBatch()); // Keras' rates are tuned with batches of 32
    assertEquals(2, adam.minBatch()); // B* needs the noise at b0 = 32, which single examples of an MLP do not measure
    assertEquals(GoodputConfig.defaults(500, "adam:0.001"), adam);
    assertEquals(2, ((GoodputPolicy) BatchingPolicies.parse("goodput:b0=32", 500)).config().minBatch());
    assertEquals(1, ((GoodputPolicy) BatchingPolicies.parse("goodput:b0=1", 500)).config().minBatch());
    assertEquals(Double.POSITIVE_INFINITY, ((GoodputPolicy) BatchingPolicies.parse("goodput:b0=inf", 500)).config().baseBatch());
    assertEquals(LearningRateCoupling.NONE,
        ((GoodputPolicy) BatchingPolicies.parse("goodput", 500, "ftrl")).config().coupling());
  }

  @Test
  void goodputKeysWithUnits() {
    GoodputConfig c = ((GoodputPolicy) BatchingPolicies.parse(
        "goodput:min=2,max=1024,latency=2s,memory=1GiB,bytesPerExample=6KiB,lr=sqrt,b0=32,maxLr=4,warmup=5000,"
            + "headroom=1.5,drain=250ms,window=300,growth=4,optimizer=momentum,curvature=off,significance=2",
        500)).config();
    assertEquals(new GoodputConfig(2, 1024, 2000, 1L << 30, 6144, LearningRateCoupling.SQRT, 32, 4, 5000, 1.5, 250,
        300, 4, OptimizerFamily.MOMENTUM, false, 2), c);
    assertEquals(750, ((GoodputPolicy) BatchingPolicies.parse("goodput:latency=750", 500)).config().latencyMillis());
    assertEquals(10_000_000, ((GoodputPolicy) BatchingPolicies.parse("goodput:memory=10MB", 500)).config().memoryBytes());
  }

  @Test
  void specRoundTrips() {
    BatchingPolicy p = BatchingPolicies.parse("goodput:min=3,lr=linear,latency=1s,b0=inf", 500, "sgd");
    GoodputConfig again = ((GoodputPolicy) BatchingPolicies.parse(p.spec(), 7)).config();
    assertEquals(((GoodputPolicy) p).config(), again);
    BatchingPolicy n = BatchingPolicies.parse("normtest:theta=0.5", 500);
    assertEquals(n.spec(), BatchingPolicies.parse(n.spec(), 1).spec());
    assertEquals("fixed:32", BatchingPolicies.parse("fixed:32", 500).spec());
  }

  @Test
  void specNumbersReadAsWritten() {
    String spec = BatchingPolicies.parse("goodput:headroom=1.1,b0=inf", 500, "sgd").spec();
    assertTrue(spec.contains(",b0=inf,maxLr=1,") && spec.contains(",headroom=1.1,") && spec.contains(",window=1000,")
        && spec.endsWith(",significance=1"), spec);
    assertEquals("normtest:theta=0.5,min=2,max=4096,latency=500ms,lr=adascale,b0=1,maxLr=1,window=1000",
        BatchingPolicies.parse("normtest:theta=0.5", 500).spec());
  }

  @Test
  void rejectsWhatItCannotRead() {
    assertThrows(IllegalArgumentException.class, () -> BatchingPolicies.parse("goodput:size=3", 500));
    assertThrows(IllegalArgumentException.class, () -> BatchingPolicies.parse("goodput:min=0", 500));
    assertThrows(IllegalArgumentException.class, () -> BatchingPolicies.parse("goodput:min=9,max=8", 500));
    assertThrows(IllegalArgumentException.class, () -> BatchingPolicies.parse("goodput:lr=cubic", 500));
    assertThrows(IllegalArgumentException.class, () -> BatchingPolicies.parse("goodput:latency=soon", 500));
    assertThrows(IllegalArgumentException.class, () -> BatchingPolicies.parse("goodput:min", 500));
    assertThrows(IllegalArgumentException.class, () -> BatchingPolicies.parse("goodput:slack=0.1", 500));
    assertThrows(IllegalArgumentException.class, () -> BatchingPolicies.parse("goodput:optimizer=rmsprop", 500));
    assertThrows(IllegalArgumentException.class, () -> BatchingPolicies.parse("goodput:window=0", 500));
    assertThrows(IllegalArgumentException.class, () -> BatchingPolicies.parse("fixed:x", 500));
    assertThrows(IllegalArgumentException.class, () -> BatchingPolicies.parse("adaptive", 500));
    assertInstanceOf(FixedPolicy.class, BatchingPolicies.parse(" fixed: 8 ", 500));
  }
}
