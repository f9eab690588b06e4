package io.batchwise.bench.jmh;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.batchwise.policy.BatchDecision;
import io.batchwise.policy.BatchObservation;
import io.batchwise.policy.BatchingPolicies;
import io.batchwise.policy.BatchingPolicy;

/**
 * What one batching decision costs at B = 1, where a logistic step takes a fraction of a microsecond: the
 * observation a learner hands the policy after each update, with gradient statistics that vary as a stream's do.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class PolicyDecisionBenchmark {
  @Param({"fixed:1", "goodput"})
  public String policy;

  /** Events waiting: none (a learner that keeps up), or a replay's backlog. */
  @Param({"0", "100000"})
  public long backlog;

  private BatchingPolicy batching;
  private BatchObservation[] observations;
  private int next;

  @Setup
  public void setUp() {
    batching = BatchingPolicies.parse(policy, 500, "sgd:0.1", 64);
    java.util.SplittableRandom random = new java.util.SplittableRandom(1);
    observations = new BatchObservation[1024];
    for (int i = 0; i < observations.length; i++) {
      double g = 1 + random.nextDouble();
      observations[i] = new BatchObservation(1, 3e-7, 1e-5, 1e-5, 10_000, backlog, g, g, 0.05 + 0.01 * random.nextDouble(),
          0.2 * random.nextDouble());
    }
    for (BatchObservation o : observations) {
      batching.next(o);
    }
  }

  @Benchmark
  public BatchDecision decide() {
    BatchObservation o = observations[next];
    next = (next + 1) & (observations.length - 1);
    return batching.next(o);
  }
}
