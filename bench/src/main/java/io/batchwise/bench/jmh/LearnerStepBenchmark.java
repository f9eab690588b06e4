package io.batchwise.bench.jmh;

import java.util.Random;
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

import io.batchwise.learner.model.MicroBatch;
import io.batchwise.learner.model.ModelFactory;
import io.batchwise.learner.model.OnlineModel;
import io.batchwise.learner.model.StepResult;

/**
 * One test-then-train step ({@code OnlineModel.learn}) of a model at the defaults, on batches drawn in advance
 * from a random linear teacher: time per step; examples per second is B over it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0"})
public class LearnerStepBenchmark {
  @Param({"logistic"})
  public String model;

  @Param({"100"})
  public int features;

  @Param({"1", "32"})
  public int batchSize;

  private OnlineModel learner;
  private MicroBatch[] batches;
  private int next;

  @Setup
  public void setUp() {
    learner = ModelFactory.create(model, features);
    Random random = new Random(7);
    double[] teacher = random.doubles(features, -1, 1).toArray();
    batches = new MicroBatch[16];
    double[] row = new double[features];
    for (int k = 0; k < batches.length; k++) {
      batches[k] = new MicroBatch(features, batchSize);
      for (int i = 0; i < batchSize; i++) {
        double z = 0;
        for (int j = 0; j < features; j++) {
          row[j] = random.nextGaussian();
          z += teacher[j] * row[j];
        }
        batches[k].add(row, z + 0.5 * random.nextGaussian() > 0 ? 1 : 0, 1.0);
      }
    }
  }

  @Benchmark
  public StepResult learn() {
    MicroBatch batch = batches[next];
    next = (next + 1) & (batches.length - 1);
    return learner.learn(batch, 1.0);
  }
}
