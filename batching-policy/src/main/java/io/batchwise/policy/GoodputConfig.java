package io.batchwise.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Settings of {@link GoodputPolicy}, parsed from {@code goodput:key=value,...}. {@link #KEYS} is the one table of
 * every key: its name, type, default and meaning (batching-policy/README.md's table is checked against it); the
 * compact constructor validates them. The fields, in the table's order: {@code min}, {@code max}, {@code latency},
 * {@code memory}, {@code bytesPerExample}, {@code lr}, {@code b0}, {@code maxLr}, {@code warmup}, {@code headroom},
 * {@code drain}, {@code window}, {@code growth}, {@code optimizer}, {@code curvature}, {@code significance}.
 */
public record GoodputConfig(
    int minBatch,
    int maxBatch,
    long latencyMillis,
    long memoryBytes,
    long bytesPerExample,
    LearningRateCoupling coupling,
    double baseBatch,
    double maxLrMultiplier,
    long warmupExamples,
    double headroom,
    long drainMillis,
    double noiseWindow,
    int growth,
    OptimizerFamily optimizer,
    boolean curvature,
    double significance) {

  /** One key of the spec. */
  public record Key(String name, String type, String defaultValue, String meaning) {
  }

  public static final List<Key> KEYS = List.of(
      new Key("min", "integer", "2 with b0 other than 1, else 1",
          "smallest batch; wins over every other bound. A batch of one carries no variance information (only the linear "
              + "models estimate it across single examples), so where B* or the learning rate depend on the noise at "
              + "b0 the policy keeps measuring it with two"),
      new Key("max", "integer", "4096", "largest batch"),
      new Key("latency", "duration", "the learner's batch.max.latency.ms",
          "a batch must fill within it: B <= backlog + lambda latency; also every decision's max wait"),
      new Key("memory", "size", "64MiB", "memory budget per batch: B <= memory / bytesPerExample"),
      new Key("bytesPerExample", "size", "what the learner reports for its model",
          "bytes one example of a batch costs: its buffered row and what a step holds per example (an MLP's "
              + "activations and deltas); 0 = unknown, no memory bound"),
      new Key("lr", "none, linear, sqrt or adascale", "adascale for SGD and momentum, sqrt for Adam and AdaGrad, none for FTRL",
          "how the learning rate follows B: unchanged, B/b0, sqrt(B/b0), or AdaScale's gain (Johnson et al. 2020)"),
      new Key("b0", "number or inf", "32 for Adam, 1 otherwise",
          "the batch size the base learning rate was tuned for (multiplier 1 there): online learners' SGD, AdaGrad "
              + "and FTRL rates are per example, Keras' Adam rate goes with batches of 32. inf: the rate suits "
              + "noise-free gradients"),
      new Key("maxLr", "number", "1",
          "cap on the multiplier; at 1 the rate never exceeds the tuned one, and a batch beyond the cap counts as maxLr "
              + "steps at b0"),
      new Key("warmup", "integer", "0",
          "for this many examples keep the keep-up batch size and ramp the multiplier linearly from 0; 0 = off"),
      new Key("headroom", "number", "1.25", "keep up with headroom x lambda, so that estimation error and jitter do not "
          + "let a backlog build"),
      new Key("drain", "duration", "5s", "drain a backlog within this time: keep up with lambda + backlog / drain"),
      new Key("window", "number", "1000",
          "examples the tr(Sigma) and |G|^2 averages span (the past decays by exp(-B / window) per batch)"),
      new Key("growth", "integer", "2", "the next batch is at most this many times the last (a trust region; shrinking "
          + "is never limited)"),
      new Key("optimizer", "sgd, momentum, adam, adagrad or ftrl", "the learner's", "only to choose the defaults of lr and b0"),
      new Key("curvature", "on or off", "on",
          "cap the multiplier at the optimal step for the measured curvature and noise, 1 / (eps0 h (1 + B_noise / B)) "
              + "(McCandlish et al. 2018, eq. 2.6), B_noise counted as at most window; acts where the learner measures "
              + "eps0 h (SGD and momentum on the linear models)"),
      new Key("significance", "number", "1",
          "with the curvature measured, B* counts |G|^2 as zero (B_noise as window) unless the smoothed |G|^2 is more "
              + "than this many standard errors above zero; 0 = off"));

  public GoodputConfig {
    if (minBatch < 1 || maxBatch < minBatch) {
      throw new IllegalArgumentException("need 1 <= min <= max, got min=" + minBatch + " max=" + maxBatch);
    }
    if (latencyMillis < 0 || memoryBytes < 0 || bytesPerExample < 0 || warmupExamples < 0 || drainMillis <= 0) {
      throw new IllegalArgumentException("latency, memory, bytesPerExample, warmup must be >= 0 and drain > 0");
    }
    if (!(baseBatch > 0) || !(maxLrMultiplier > 0) || !(headroom >= 1) || !(noiseWindow > 0)
        || Double.isInfinite(maxLrMultiplier) || Double.isInfinite(headroom) || Double.isInfinite(noiseWindow)) {
      throw new IllegalArgumentException("need b0 > 0, maxLr > 0, headroom >= 1 and window > 0");
    }
    if (!(significance >= 0) || Double.isInfinite(significance)) {
      throw new IllegalArgumentException("significance must be a finite number >= 0, got " + significance);
    }
    if (growth < 2) {
      throw new IllegalArgumentException("growth must be at least 2, got " + growth);
    }
  }

  /** All defaults, with {@code latency} = {@code maxWaitMillis} and the coupling for {@code optimizer}. */
  public static GoodputConfig defaults(long maxWaitMillis, String optimizer) {
    return parse("", maxWaitMillis, optimizer);
  }

  /** Parses the part after {@code goodput:}; keys not given keep their defaults. */
  public static GoodputConfig parse(String arguments, long maxWaitMillis, String optimizer) {
    return parse(arguments, maxWaitMillis, optimizer, 0);
  }

  /** As {@link #parse(String, long, String)}, with the learner's own bytes per example as the default of that key. */
  public static GoodputConfig parse(String arguments, long maxWaitMillis, String optimizer, long learnerBytesPerExample) {
    SpecArguments a = new SpecArguments("goodput:" + arguments, arguments, KEYS.stream().map(Key::name).toList());
    String given = a.text("optimizer", null);
    OptimizerFamily family = OptimizerFamily.of(given != null ? given : optimizer);
    String lr = a.text("lr", null);
    LearningRateCoupling coupling = lr == null ? family.coupling() : LearningRateCoupling.parse(lr);
    double b0 = a.real("b0", family.baseBatch());
    int max = a.integer("max", 4096);
    boolean measuresNoise = b0 != 1;
    return new GoodputConfig(
        a.integer("min", Math.min(max, measuresNoise ? 2 : 1)), max, a.millis("latency", maxWaitMillis),
        a.bytes("memory", 64L << 20), a.bytes("bytesPerExample", Math.max(0, learnerBytesPerExample)), coupling, b0,
        a.real("maxLr", 1), Math.round(a.real("warmup", 0)), a.real("headroom", 1.25), a.millis("drain", 5000),
        a.real("window", 1000), a.integer("growth", 2), family, a.flag("curvature", true), a.real("significance", 1));
  }

  /** The largest batch the memory budget allows; {@code maxBatch} when bytesPerExample is unknown. */
  public int memoryBatchLimit() {
    if (bytesPerExample <= 0) {
      return maxBatch;
    }
    return (int) Math.max(1, Math.min(maxBatch, memoryBytes / bytesPerExample));
  }

  /** Every key's value as the spec writes it, in the table's order. */
  public Map<String, String> values() {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("min", Integer.toString(minBatch));
    v.put("max", Integer.toString(maxBatch));
    v.put("latency", latencyMillis + "ms");
    v.put("memory", Long.toString(memoryBytes));
    v.put("bytesPerExample", Long.toString(bytesPerExample));
    v.put("lr", coupling.name().toLowerCase(Locale.ROOT));
    v.put("b0", SpecNumbers.format(baseBatch));
    v.put("maxLr", SpecNumbers.format(maxLrMultiplier));
    v.put("warmup", Long.toString(warmupExamples));
    v.put("headroom", SpecNumbers.format(headroom));
    v.put("drain", drainMillis + "ms");
    v.put("window", SpecNumbers.format(noiseWindow));
    v.put("growth", Integer.toString(growth));
    v.put("optimizer", optimizer.specName());
    v.put("curvature", curvature ? "on" : "off");
    v.put("significance", SpecNumbers.format(significance));
    return v;
  }

  /** The canonical spec, every key spelled out. */
  public String toSpec() {
    StringBuilder spec = new StringBuilder("goodput:");
    values().forEach((key, value) -> spec.append(spec.length() > 8 ? "," : "").append(key).append('=').append(value));
    return spec.toString();
  }
}
