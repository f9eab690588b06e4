package io.batchwise.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.policy.goodput.GoodputFunction;
import io.batchwise.policy.goodput.GradientNoise;
import io.batchwise.policy.goodput.StepTime;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GoodputPolicyTest {
  private static final double ALPHA = 1e-3;
  private static final double BETA = 1e-5;

  /** What a learner with T(B) = ALPHA + BETA B would report for gradients with the given tr(Sigma), |G|^2. */
  private static BatchObservation observe(int b, double trace, double signal, double rate, long backlog) {
    return new BatchObservation(b, ALPHA + BETA * b, b / Math.max(rate, 1), rate, backlog, signal + trace, signal + trace / b);
  }

  private static GoodputPolicy policy(String args) {
    return (GoodputPolicy) BatchingPolicies.parse(args.isEmpty() ? "goodput" : "goodput:" + args, 500);
  }

  /** Runs the policy in closed loop for {@code steps} batches and returns the last decision. */
  private static BatchDecision run(BatchingPolicy p, int steps, double trace, double signal, double rate, long backlog) {
    BatchDecision d = p.initial();
    for (int i = 0; i < steps; i++) {
      d = p.next(observe(d.batchSize(), trace, signal, rate, backlog));
    }
    return d;
  }

  @Test
  void computeBoundItGrowsUnderHighNoiseAndShrinksUnderLowNoise() {
    double rate = 1e6; // beta lambda = 10: no batch keeps up, so B = B*
    GoodputPolicy p = policy("maxLr=1e6"); // a learning rate free to follow the AdaScale gain
    BatchDecision noisy = run(p, 300, 1e5, 1, rate, 0);
    assertEquals(Math.sqrt(ALPHA * 1e5 / BETA), noisy.batchSize(), 2); // B* = sqrt(alpha B_noise / beta) = 3162
    assertEquals(1e5, noisy.noiseScale(), 1e-3);
    BatchDecision clean = run(p, 300, 1, 1, rate, 0); // the same policy, now low noise: it shrinks
    assertEquals(Math.sqrt(ALPHA * 1 / BETA), clean.batchSize(), 1); // B* = 10
    // by default the rate never exceeds the tuned one, so B* is at most b0 = 32
    assertEquals(32, run(policy("b0=32"), 300, 1e5, 1, rate, 0).batchSize());
  }

  @Test
  void waitingEventsAreTakenUpToTheBatchWhereTheCappedGainEndsForEveryCoupling() {
    // 1000 events/s keep up with B = 2 (headroom and the 5 s drain included); 50,000 are waiting, and
    // B_noise = 1e5 puts B* = sqrt(alpha B_noise / beta) = 3162 far beyond b0
    double rate = 1000;
    long waiting = 50_000;
    for (String coupling : new String[] {"adascale", "sqrt", "linear"}) {
      BatchDecision capped = run(policy("lr=" + coupling + ",b0=32"), 300, 1e5, 1, rate, waiting);
      // the multiplier may not pass 1, so a batch beyond b0 is worth one step at b0: B* = b0
      assertEquals(32, capped.batchSize(), coupling);
      assertEquals(1.0, capped.learningRateMultiplier(), 1e-9, coupling);
    }
    // uncapped, AdaScale and the linear rule (which never gives less than the gain) reach B*; the sqrt
    // rule's step is worth sqrt(B/b0) steps at b0, so its goodput sqrt(B b0) / T(B) peaks at alpha / beta
    for (String coupling : new String[] {"adascale", "linear"}) {
      BatchDecision free = run(policy("lr=" + coupling + ",b0=32,maxLr=1e6"), 300, 1e5, 1, rate, waiting);
      assertEquals(Math.sqrt(ALPHA * 1e5 / BETA), free.batchSize(), 2, coupling);
    }
    assertEquals(ALPHA / BETA, run(policy("lr=sqrt,b0=32,maxLr=1e6"), 300, 1e5, 1, rate, waiting).batchSize(), 1);
    // a rate that never changes gets no gain at all: B* is b0
    assertEquals(32, run(policy("lr=none,b0=32,maxLr=1e6"), 300, 1e5, 1, rate, waiting).batchSize());
  }

  @Test
  void growsWhenArrivalsExceedCapacityAndKeepsUp() {
    GoodputPolicy p = policy("");
    int previous = 0;
    for (double rate : new double[] {100, 5_000, 20_000, 50_000}) {
      BatchDecision d = run(p, 200, 1e5, 1, rate, 0);
      int b = d.batchSize();
      assertTrue(b >= previous, "B grows with the arrival rate: " + b + " after " + previous);
      double capacity = b / (ALPHA + BETA * b);
      assertTrue(capacity >= 1.25 * rate * (1 - 1e-9), "keeps up with headroom at rate " + rate + ": B=" + b);
      double smaller = (b - 1) / (ALPHA + BETA * (b - 1));
      assertTrue(b == p.config().minBatch() || smaller < 1.25 * rate, "and is the smallest that does at rate " + rate);
      previous = b;
    }
    assertTrue(previous > 100);
  }

  @Test
  void keepingUpItTakesTheSmallestBatch() {
    double rate = 500; // capacity at B = 1 is ~990/s, enough with 25% headroom
    assertEquals(1, run(policy(""), 300, 1e4, 1, rate, 0).batchSize());
    assertEquals(2, run(policy("b0=32"), 300, 1e4, 1, rate, 0).batchSize()); // min 2, to keep measuring the noise
  }

  @Test
  void drainsABacklogWithLargerBatchesThenReturnsToSmallOnes() {
    GoodputPolicy p = policy("");
    int steady = run(p, 200, 1e5, 1, 1_000, 0).batchSize();
    int draining = run(p, 5, 1e5, 1, 1_000, 200_000).batchSize();
    int after = run(p, 5, 1e5, 1, 1_000, 0).batchSize();
    assertTrue(draining > 10 * steady, "drains with larger batches: " + draining + " vs " + steady);
    assertEquals(steady, after);
  }

  @Test
  void respectsEveryBound() {
    SplittableRandom random = new SplittableRandom(3);
    String[] configs = {"min=4,max=64", "max=4096,latency=20ms", "memory=1MiB,bytesPerExample=8KiB", "min=300,latency=1ms",
        "min=1,max=1", "lr=linear,maxLr=3", "latency=50ms", "b0=inf"};
    for (String args : configs) {
      GoodputPolicy p = policy(args);
      GoodputConfig c = p.config();
      BatchDecision d = p.initial();
      for (int i = 0; i < 3000; i++) {
        double rate = Math.pow(10, random.nextDouble(0, 7));
        long backlog = random.nextDouble() < 0.3 ? (long) Math.pow(10, random.nextDouble(0, 6)) : 0;
        double trace = Math.pow(10, random.nextDouble(-3, 5));
        d = p.next(observe(d.batchSize(), trace, 1, rate, backlog));
        int b = d.batchSize();
        assertTrue(b >= c.minBatch() && b <= c.maxBatch(), args + ": B=" + b);
        assertTrue(b == c.minBatch() || b <= c.memoryBatchLimit(), args + ": memory, B=" + b);
        assertTrue(b == c.minBatch() || b <= backlog + rate * c.latencyMillis() / 1000.0 + 1e-9,
            args + ": B=" + b + " cannot fill within the latency at " + rate + "/s with backlog " + backlog);
        assertTrue(d.learningRateMultiplier() > 0 && d.learningRateMultiplier() <= c.maxLrMultiplier(), args);
        assertEquals(c.latencyMillis(), d.maxWaitMillis());
      }
    }
    assertEquals(128, policy("memory=1MiB,bytesPerExample=8KiB").config().memoryBatchLimit());
  }

  @Test
  void degenerateInputsNeverYieldNanOrOutOfRangeDecisions() {
    double nan = Double.NaN;
    double inf = Double.POSITIVE_INFINITY;
    BatchObservation[] cases = {
        new BatchObservation(64, 1e-3, 0.1, 1000, 0, 0, 0), // zero gradient
        new BatchObservation(64, nan, nan, nan, 0, nan, nan),
        new BatchObservation(1, 1e-4, 0.001, 1000, 0, 2.0, 2.0), // B = 1
        new BatchObservation(64, 0, 0, 1e9, 0, 5, 1), // zero step time
        new BatchObservation(64, 1e-3, 0, 0, 0, 5, 1), // no arrivals
        new BatchObservation(0, -1, -1, -5, -10, -1, -1),
        new BatchObservation(64, inf, inf, inf, Long.MAX_VALUE, inf, inf),
        new BatchObservation(Integer.MAX_VALUE, 1e-3, 1, 1e12, Long.MAX_VALUE, 1e300, 1e-300),
        new BatchObservation(64, 1e-3, 0.1, 1000, 0, 1.0, 5.0), // |gbar|^2 > mean |g_i|^2
    };
    for (String args : new String[] {"", "b0=1", "b0=inf", "lr=linear", "lr=sqrt", "lr=none", "warmup=1000", "min=8,max=16",
        "growth=8"}) {
      for (BatchObservation o : cases) {
        GoodputPolicy p = policy(args);
        GoodputConfig c = p.config();
        for (int repeat = 0; repeat < 50; repeat++) {
          BatchDecision d = p.next(o);
          assertTrue(d.batchSize() >= c.minBatch() && d.batchSize() <= c.maxBatch(), args + " " + o + " -> " + d);
          assertTrue(Double.isFinite(d.learningRateMultiplier()) && d.learningRateMultiplier() > 0, args + " " + o + " -> " + d);
          assertTrue(Double.isNaN(d.noiseScale()) || (d.noiseScale() >= 0 && Double.isFinite(d.noiseScale())), o + " -> " + d);
        }
      }
    }
  }

  @Test
  void whenTheBacklogCannotDrainInTimeItStillKeepsUpWithTheArrivals() {
    // capacity tops out near 1 / BETA = 100,000/s; arrivals at 60,000/s plus 10^6 waiting cannot drain in 5 s
    GoodputPolicy p = policy("latency=100s");
    int b = run(p, 300, 10, 1, 60_000, 1_000_000).batchSize();
    double keepUp = ALPHA * 1.25 * 60_000 / (1 - BETA * 1.25 * 60_000); // 300
    assertTrue(b >= keepUp, "B=" + b + " keeps up with the arrivals (" + keepUp + ")");
    assertTrue(b <= 4096);
  }

  @Test
  void growsAtMostByTheGrowthFactorPerBatch() {
    GoodputPolicy p = policy("growth=4,maxLr=1e6");
    BatchDecision d = p.initial();
    int previous = d.batchSize();
    for (int i = 0; i < 20; i++) {
      d = p.next(observe(d.batchSize(), 1e5, 1, 1e6, 1_000_000));
      assertTrue(d.batchSize() <= 4 * previous, d.batchSize() + " after " + previous);
      previous = d.batchSize();
    }
    assertEquals(Math.round(Math.sqrt(ALPHA * 1e5 / BETA)), previous, 1); // B*, reached in a few steps
    assertEquals(p.config().minBatch(), p.next(observe(previous, 1e5, 1, 10, 0)).batchSize()); // shrinking is immediate
  }

  @Test
  void noArrivalsAndNoBacklogKeepTheMinimumBatch() {
    BatchDecision d = run(policy("min=3"), 50, 1e4, 1, 0, 0);
    assertEquals(3, d.batchSize());
  }

  @Test
  void learningRateFollowsTheSelectedCoupling() {
    double rate = 1e6;
    GradientNoise noise = new GradientNoise(1000, 1);
    BatchDecision ada = run(policy("b0=4,maxLr=1000"), 300, 1000, 1, rate, 0);
    assertEquals(noise.adaScaleGain(ada.batchSize(), 4), ada.learningRateMultiplier(), 1e-6);
    BatchDecision linear = run(policy("lr=linear,b0=4,maxLr=1000"), 300, 1000, 1, rate, 0);
    assertEquals(linear.batchSize() / 4.0, linear.learningRateMultiplier(), 1e-12);
    BatchDecision sqrt = run(policy("lr=sqrt,b0=4,maxLr=1000"), 300, 1000, 1, rate, 0);
    assertEquals(Math.sqrt(sqrt.batchSize() / 4.0), sqrt.learningRateMultiplier(), 1e-12);
    assertEquals(1.0, run(policy("lr=none"), 300, 1000, 1, rate, 0).learningRateMultiplier());
    assertEquals(3.0, run(policy("lr=linear,maxLr=3"), 300, 1000, 1, rate, 0).learningRateMultiplier());
    BatchingPolicy adam = BatchingPolicies.parse("goodput:b0=4,maxLr=1000", 500, "adam:0.001");
    BatchDecision d = run(adam, 300, 1000, 1, rate, 0);
    assertEquals(Math.sqrt(d.batchSize() / 4.0), d.learningRateMultiplier(), 1e-12);
  }

  @Test
  void warmUpRampsTheLearningRateAndHoldsTheKeepUpBatch() {
    GoodputPolicy p = policy("warmup=10000,lr=none");
    BatchDecision first = p.initial();
    assertEquals(1, first.batchSize());
    assertEquals(1.0 / 10000, first.learningRateMultiplier(), 1e-12);
    BatchDecision d = first;
    long seen = 0;
    double last = 0;
    while (seen < 10000) {
      seen += d.batchSize();
      d = p.next(observe(d.batchSize(), 1e5, 1, 1e6, 0));
      assertTrue(d.learningRateMultiplier() >= last);
      last = d.learningRateMultiplier();
    }
    assertEquals(1.0, d.learningRateMultiplier(), 1e-12);
  }

  @Test
  void aMeasuredCurvatureLowersARateTooHighForTheNoise() {
    // batches of one: |G|^2 from consecutive gradients, tr(Sigma) = 5000, |G|^2 = 1, B_noise = 5000; the
    // learner measures eps h = 0.02 at the multiplier it was given
    double trace = 5000;
    double signal = 1;
    double s = 0.02;
    GoodputPolicy p = policy("");
    BatchDecision d = p.initial();
    for (int i = 0; i < 3000; i++) {
      double m = d.learningRateMultiplier();
      d = p.next(new BatchObservation(1, ALPHA + BETA, 0, 1e-2, 100, 0, signal + trace, signal + trace, s * m, signal));
    }
    assertEquals(1, d.batchSize());
    // eps_opt(1) / eps0 = 1 / (s (1 + min(B_noise, window) / 1)), the window being 1000 examples
    assertEquals(1 / (s * 1001), d.learningRateMultiplier(), 1e-9);
    assertEquals(trace / signal, d.noiseScale(), 1e-6);
    // switched off, the same observations leave the tuned rate
    GoodputPolicy off = policy("curvature=off");
    d = off.initial();
    for (int i = 0; i < 3000; i++) {
      d = off.next(new BatchObservation(1, ALPHA + BETA, 0, 1e-2, 100, 0, signal + trace, signal + trace, s, signal));
    }
    assertEquals(1.0, d.learningRateMultiplier(), 1e-12);
    // a low-noise stream whose rate suits its curvature keeps the tuned rate
    GoodputPolicy clean = policy("");
    d = clean.initial();
    for (int i = 0; i < 3000; i++) {
      d = clean.next(new BatchObservation(1, ALPHA + BETA, 0, 1e-2, 100, 0, 1 + 10, 1 + 10, s, 1));
    }
    assertEquals(1.0, d.learningRateMultiplier(), 1e-12); // 1 / (0.02 * 11) > 1
  }

  /**
   * The host's cost per event goes into beta as measured: a step time that does not depend on B (all of it alpha)
   * with 10 us per event of handling makes capacity 1/10us whatever the step fit says.
   */
  @Test
  void theHostsCostPerEventCountsPerExample() {
    GoodputPolicy p = policy("");
    BatchDecision d = p.initial();
    for (int i = 0; i < 500; i++) {
      d = p.next(new BatchObservation(1, 1e-6, 1e-5, 1e-3, 1000, 0, 2.0, 1.0, Double.NaN, Double.NaN));
    }
    assertEquals(1e-5, p.goodputFunction().stepTime().beta() - 0.5e-6, 1e-7,
        "beta: half the unidentified step (the even split) plus the 10 us per event");
    assertEquals(1, d.batchSize(), "1,000 events/s keep up at B = 1 when an event costs 11 us");
  }

  @Test
  void waitingEventsGetTheBatchOfUnresolvedNoiseWhileTheSignalIsInsignificant() {
    // batches of 2 and 64 in turn, |G|^2 estimates 20 +- 0.9 tr(Sigma) / B (mean 20: B_noise = 5000 / 20 = 250),
    // eps h = 0.02, 5,000 events waiting (they would drain with B = 2); T(B) = 1 ms + 10 us B
    double trace = 5000;
    double s = 0.02;
    String[] specs = {"", "significance=0", ""};
    double[] spreads = {0.9, 0.9, 1e-4};
    for (int k = 0; k < 3; k++) {
      GoodputPolicy p = policy(specs[k]);
      BatchDecision d = p.initial();
      for (int i = 0; i < 2000; i++) {
        int b = i % 2 == 0 ? 2 : 64;
        double signal = 20 + (i % 4 < 2 ? 1 : -1) * spreads[k] * trace / b;
        d = p.next(new BatchObservation(b, ALPHA + BETA * b, 0, 1e-3, 100, 5_000, signal + trace, signal + trace / b,
            s * d.learningRateMultiplier(), Double.NaN));
      }
      // with a spread of 0.9 tr(Sigma) / B, the standard error of the mean (about 35) hides 20, so B* is the
      // one for B_noise at the window (1000 examples); without the test, or with a clear signal, the estimate
      // (B_noise about 250) is believed
      GoodputFunction f = p.goodputFunction();
      assertEquals(250, f.noise().noiseScale(), 100); // the last batches weigh most, so the mean is not exactly 20
      int unresolved = offlineOptimum(new GradientNoise(trace, trace / 1000), f.stepTime(), s);
      int resolved = offlineOptimum(f.noise(), f.stepTime(), s);
      assertTrue(unresolved > resolved + 5, unresolved + " vs " + resolved);
      assertEquals(k == 0 ? unresolved : resolved, p.next(observe(64, trace, 20, 100, 5_000)).batchSize(), specs[k]);
    }
  }

  /** B* of the curvature model with the defaults (b0 = 1, maxLr = 1, window 1000). */
  private static int offlineOptimum(GradientNoise noise, StepTime stepTime, double baseSharpness) {
    return new GoodputFunction(noise, stepTime, 1, 1, Double.NaN, baseSharpness, 1000).offlineOptimum(1, 4096);
  }

  @Test
  void exportedStateRestoresTheSameDecisions() {
    GoodputPolicy original = policy("");
    SplittableRandom random = new SplittableRandom(11);
    BatchDecision d = original.initial();
    for (int i = 0; i < 200; i++) {
      d = original.next(observe(d.batchSize(), random.nextDouble(1, 1e4), 1, random.nextDouble(1, 1e6), 0));
    }
    GoodputPolicy restored = policy("");
    GoodputPolicy.State state = original.exportState();
    assertEquals(state, PolicyState.decode(state.encode()));
    restored.restoreState(PolicyState.decode(state.encode()));
    assertEquals(state, restored.exportState());
    for (int i = 0; i < 100; i++) {
      BatchObservation o = observe(d.batchSize(), random.nextDouble(1, 1e4), 1, random.nextDouble(1, 1e6), i % 7 == 0 ? 5000 : 0);
      d = original.next(o);
      assertEquals(d, restored.next(o));
    }
    GoodputPolicy fresh = policy("");
    fresh.restoreState(PolicyState.EMPTY);
    fresh.restoreState(BatchingPolicies.parse("normtest", 500).exportState());
    assertEquals(policy("").exportState(), fresh.exportState(), "another policy's state leaves the initial one");
    assertThrows(IllegalArgumentException.class, () -> PolicyState.decode(new double[] {1, 2, 3}));
    assertThrows(IllegalArgumentException.class, () -> PolicyState.decode(new double[] {9}));
    double[] longer = java.util.Arrays.copyOf(state.encode(), state.encode().length + 1);
    assertThrows(IllegalArgumentException.class, () -> PolicyState.decode(longer));
  }
}
