package io.batchwise.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.batchwise.learner.model.MicroBatch;
import io.batchwise.learner.model.ModelFactory;
import io.batchwise.learner.model.OnlineModel;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Learner throughput: examples per second of {@code OnlineModel.learn} (score, gradient, statistics,
 * optimizer step, standardizer update) for each model at each micro-batch size and dimension, on
 * synthetic data held in memory, at the default settings. Each cell is warmed up, then timed in
 * several repetitions of a fixed duration; the median is reported. In the same run it times the
 * logistic regression on ND4J (an mlp without hidden layers, same optimizer) against the fused
 * plain-Java kernel and reports the ratio per cell.
 */
@Command(name = "learner", mixinStandardHelpOptions = true,
    description = "Examples/s of each model's learn step at several batch sizes and dimensions (median of repetitions),"
        + " and the fused vs ND4J logistic regression ratio.")
public final class LearnerBenchCommand implements Callable<Integer> {

  @Option(names = "--models", split = ";", defaultValue = "logistic;linear;linear:huber;softmax:10;mlp:128,64",
      description = "Model specs, ';'-separated (default: ${DEFAULT-VALUE}).")
  List<String> models;

  @Option(names = "--batch-sizes", split = ",", defaultValue = "1,8,32,256,2048",
      description = "Micro-batch sizes B (default: ${DEFAULT-VALUE}).")
  List<Integer> batchSizes;

  @Option(names = "--dims", split = ",", defaultValue = "8,100,1000",
      description = "Feature counts d (default: ${DEFAULT-VALUE}).")
  List<Integer> dims;

  @Option(names = "--mlp-dim", defaultValue = "784",
      description = "Extra dimension measured for mlp models only, the Keras MNIST example (default: ${DEFAULT-VALUE}; 0 = none).")
  int mlpDim;

  @Option(names = "--seconds", defaultValue = "0.3",
      description = "Duration of one timed repetition (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--warmup", defaultValue = "0.5",
      description = "Warm-up seconds per cell before timing (default: ${DEFAULT-VALUE}).")
  double warmupSeconds;

  @Option(names = "--repetitions", defaultValue = "5",
      description = "Timed repetitions per cell; the median is reported (default: ${DEFAULT-VALUE}).")
  int repetitions;

  @Option(names = "--nd4j-comparison", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Also time logistic regression on ND4J against the fused kernel (default: ${DEFAULT-VALUE}).")
  boolean nd4jComparison;

  @Option(names = "--json", description = "Also write every measurement as JSON to this file.")
  Path json;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Optimizer of both sides of the fused vs ND4J comparison, so the kernels alone differ. */
  static final String COMPARISON_OPTIMIZER = "sgd:0.01";

  /**
   * One measured cell: examples per second of the learning thread's CPU time (the primary figure:
   * on a shared machine it excludes time the thread waited for a core), and of wall-clock time.
   */
  public record Cell(String model, int d, int batchSize, double medianExamplesPerSecond,
      double medianExamplesPerWallSecond, double[] repetitions, double[] wallRepetitions) {
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  public static void main(String[] args) {
    System.exit(new CommandLine(new LearnerBenchCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    List<Cell> cells = new ArrayList<>();
    out.printf(Locale.ROOT, "learner throughput, examples per CPU-second of the learning thread:"
        + " median of %d x %.2f s after %.2f s warm-up; java %s; %d cpus%n",
        repetitions, seconds, warmupSeconds, System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors());
    out.println();
    out.println("| model | d | " + String.join(" | ", batchSizes.stream().map(b -> "B=" + b).toList()) + " |");
    out.println("|---|---|" + "---|".repeat(batchSizes.size()));
    for (String model : models) {
      List<Integer> modelDims = new ArrayList<>(dims);
      if (model.startsWith("mlp") && mlpDim > 0 && !modelDims.contains(mlpDim)) {
        modelDims.add(mlpDim);
      }
      for (int d : modelDims) {
        StringBuilder row = new StringBuilder("| " + model + " | " + d + " |");
        for (int b : batchSizes) {
          Cell c = measure(model, null, d, b);
          cells.add(c);
          row.append(' ').append(RenderCommand.rate(c.medianExamplesPerSecond())).append(" |");
        }
        out.println(row);
        out.flush();
      }
    }
    List<Map<String, Object>> ratios = new ArrayList<>();
    if (nd4jComparison) {
      out.println();
      out.println("fused plain-Java logistic regression vs the same model on ND4J (mlp without hidden layers, float32),"
          + " both " + COMPARISON_OPTIMIZER + ", examples/s and ratio fused/ND4J:");
      out.println();
      out.println("| d | B | fused | ND4J | ratio |");
      out.println("|---|---|---|---|---|");
      for (int d : dims) {
        for (int b : batchSizes) {
          Cell fused = measure("logistic", COMPARISON_OPTIMIZER, d, b);
          Cell nd4j = measure("mlp", COMPARISON_OPTIMIZER, d, b);
          double ratio = fused.medianExamplesPerSecond() / nd4j.medianExamplesPerSecond();
          out.printf(Locale.ROOT, "| %d | %d | %s | %s | %.1fx |%n", d, b, RenderCommand.rate(fused.medianExamplesPerSecond()),
              RenderCommand.rate(nd4j.medianExamplesPerSecond()), ratio);
          out.flush();
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("d", d);
          r.put("batchSize", b);
          r.put("fused", fused);
          r.put("nd4j", nd4j);
          r.put("ratio", ratio);
          ratios.add(r);
        }
      }
    }
    if (json != null) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("run", BenchRun.describe("learner", spec.commandLine().getParseResult().originalArgs()));
      doc.put("secondsPerRepetition", seconds);
      doc.put("warmupSeconds", warmupSeconds);
      doc.put("repetitions", repetitions);
      doc.put("cells", cells);
      doc.put("fusedVsNd4j", ratios);
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), doc);
      out.println();
      out.println("wrote " + json);
    }
    return 0;
  }

  /** Times {@code learn} of a fresh model on a ring of prebuilt synthetic batches. */
  Cell measure(String modelSpec, String optimizer, int d, int batchSize) {
    OnlineModel model = ModelFactory.create(modelSpec, optimizer, d);
    MicroBatch[] ring = batches(modelSpec, d, batchSize, new Random(7));
    long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
    int k = 0;
    int warm = 0;
    while (System.nanoTime() < warmupEnd || warm < 3) {
      model.learn(ring[k++ % ring.length], 1.0);
      warm++;
    }
    double[] reps = new double[repetitions];
    double[] wallReps = new double[repetitions];
    for (int r = 0; r < repetitions; r++) {
      long cpuStart = THREADS.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      long end = start + (long) (seconds * 1e9);
      long examples = 0;
      long now;
      do {
        examples += model.learn(ring[k++ % ring.length], 1.0).batchSize();
        now = System.nanoTime();
      } while (now < end);
      long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
      reps[r] = examples / (cpu / 1e9);
      wallReps[r] = examples / ((now - start) / 1e9);
    }
    String label = optimizer == null ? modelSpec : modelSpec + " (" + optimizer + ")";
    return new Cell(label, d, batchSize, Statistics.median(reps), Statistics.median(wallReps), reps, wallReps);
  }

  /**
   * Batches of standard normal features with labels from a random linear teacher (a class for
   * logistic, softmax and mlp, a noisy value for linear), enough distinct ones that a cell does not
   * just replay one batch from cache, within about 64 MB.
   */
  static MicroBatch[] batches(String modelSpec, int d, int batchSize, Random rnd) {
    int count = (int) Math.max(1, Math.min(16, (8L << 20) / ((long) batchSize * d)));
    int classes = modelSpec.startsWith("softmax:") ? Integer.parseInt(modelSpec.substring(8).split(":")[0]) : 0;
    int teachers = Math.max(1, classes);
    double[][] teacher = new double[teachers][d];
    for (double[] t : teacher) {
      for (int j = 0; j < d; j++) {
        t[j] = rnd.nextGaussian() / Math.sqrt(d);
      }
    }
    MicroBatch[] ring = new MicroBatch[count];
    double[] x = new double[d];
    for (int r = 0; r < count; r++) {
      MicroBatch b = new MicroBatch(d, batchSize);
      for (int i = 0; i < batchSize; i++) {
        for (int j = 0; j < d; j++) {
          x[j] = rnd.nextGaussian();
        }
        double label;
        if (classes > 0) {
          int best = 0;
          double bestScore = Double.NEGATIVE_INFINITY;
          for (int c = 0; c < classes; c++) {
            double s = dot(teacher[c], x) + rnd.nextGaussian() * 0.1;
            if (s > bestScore) {
              bestScore = s;
              best = c;
            }
          }
          label = best;
        } else if (modelSpec.startsWith("linear")) {
          label = dot(teacher[0], x) + 0.1 * rnd.nextGaussian();
        } else {
          label = dot(teacher[0], x) + 0.3 * rnd.nextGaussian() > 0 ? 1 : 0;
        }
        b.add(x, label, 1.0);
      }
      ring[r] = b;
    }
    return ring;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      s += a[j] * b[j];
    }
    return s;
  }

}
