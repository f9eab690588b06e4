package io.batchwise.policy;

import java.util.Locale;
import java.util.List;

/**
 * Settings of {@link GoodputPolicy}, parsed from {@code goodput:key=value,...}. Every key, its default and
 * its meaning:
 *
 * @param minBatch        {@code min} (default 2 with lr=adascale and b0 other than 1, else 1; never above max):
 *                        smallest batch size; wins over every other bound. A batch of one example carries no
 *                        variance information, so while the learning rate depends on the noise the policy
 *                        keeps measuring it with two
 * @param maxBatch        {@code max} (default 4096): largest batch size
 * @param latencyMillis   {@code latency} (default: the max wait the learner passes to
 *                        {@link BatchingPolicies#parse}): a batch must fill within this time, so B <= backlog + lambda * latency;
 *                        also the max wait handed back in every decision. Units ms, s, m; bare numbers are ms
 * @param memoryBytes     {@code memory} (default 64MiB): memory budget per batch, B <= memory / bytesPerExample
 * @param bytesPerExample {@code bytesPerExample} (default: what the learner reports for its model, the buffered row and
 *                        what a step holds per example, e.g. an MLP's activations and deltas; 0 = unknown, no memory
 *                        bound): bytes one example of a batch takes
 * @param coupling        {@code lr} (default: {@code adascale} for SGD and momentum, {@code sqrt} for Adam,
 *                        AdaGrad and RMSprop, {@code none} for FTRL, from {@code optimizer}): none, linear,
 *                        sqrt or adascale
 * @param baseBatch       {@code b0} (default from {@code optimizer}: 32 for Adam, AdamW, NAdam, AMSGrad and
 *                        RMSprop, whose usual rates are Keras' defaults tuned with batches of 32; 1 otherwise,
 *                        since online learners' SGD, AdaGrad and FTRL rates are per-example, as in River, Vowpal
 *                        Wabbit and batchwise's own GLMs): the batch size the base learning rate was tuned
 *                        for; the multiplier at b0 is 1. Set it to the batch size used when tuning the rate:
 *                        batching-policy/README.md shows it matters more than any other key. {@code inf}
 *                        means the base rate suits noise-free gradients, and AdaScale's gain becomes
 *                        B / (B + B_noise)
 * @param maxLrMultiplier {@code maxLr} (default 1): cap on the learning-rate multiplier, because a gain
 *                        computed from the noise can exceed what the loss's curvature tolerates. At 1 the
 *                        rate never exceeds the tuned one: AdaScale only lowers it below b0, and the
 *                        efficiency model counts a larger batch as no more than one step at b0
 * @param warmupExamples  {@code warmup} (default 0 = off): during the first this many examples the
 *                        batch stays at the keep-up size and the multiplier ramps linearly up from 0
 * @param headroom        {@code headroom} (default 1.25): keep up with headroom x lambda, not lambda, so
 *                        estimation error and jitter do not let a backlog build
 * @param drainMillis     {@code drain} (default 5s): drain a backlog within this time, i.e. keep up with
 *                        lambda + backlog / drain. Units ms, s, m; bare numbers are ms
 * @param noiseWindow     {@code window} (default 1000): examples the moving averages of tr(Sigma) and |G|^2
 *                        span; the past decays by exp(-B / window) per batch of B
 * @param slack           {@code slack} (default 0): when the learner keeps up, take the largest batch whose
 *                        statistical efficiency is within this fraction of the keep-up batch's,
 *                        B_k + slack (B_noise + B_k) / (1 - slack); saves compute when the noise is high
 * @param growth          {@code growth} (default 2): the next batch is at most this many times the last one,
 *                        a trust region for estimates that were measured at smaller batches; shrinking is
 *                        never limited
 * @param optimizer       {@code optimizer} (default sgd): the optimizer family, only to choose the default
 *                        {@code lr}
 * @param curvature       {@code curvature} (default on): cap the multiplier at the optimal step for the
 *                        measured curvature and noise, 1 / (eps0 h (1 + B_noise / B)) (McCandlish et al. 2018,
 *                        eq. 2.6), with B_noise counted as at most {@code window}. Takes effect only where the
 *                        learner measures eps0 h (SGD and momentum on the linear models); lowers a rate that
 *                        is too high for a noisy stream, never raises one
 * @param significance    {@code significance} (default 1; 0 = off): with the curvature measured, B* (the batch
 *                        for waiting events) counts |G|^2 as zero, and B_noise as {@code window}, unless the
 *                        smoothed |G|^2 is more than this many standard errors above zero. Near a noisy stream's
 *                        optimum the estimate is noise and comes out positive half the time, and each time B*
 *                        fell to a few examples for the next 128 (batching-policy/README.md). The rate cap keeps
 *                        the estimate itself
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
    double slack,
    int growth,
    String optimizer,
    boolean curvature,
    double significance) {

  static final List<String> KEYS = List.of("min", "max", "latency", "memory", "bytesPerExample", "lr", "b0",
      "maxLr", "warmup", "headroom", "drain", "window", "slack", "growth", "optimizer",
      "curvature", "significance");

  public GoodputConfig {
    if (minBatch < 1 || maxBatch < minBatch) {
      throw new IllegalArgumentException("need 1 <= min <= max, got min=" + minBatch + " max=" + maxBatch);
    }
    if (latencyMillis < 0 || memoryBytes < 0 || bytesPerExample < 0 || warmupExamples < 0 || drainMillis <= 0) {
      throw new IllegalArgumentException("latency, memory, bytesPerExample, warmup must be >= 0 and drain > 0");
    }
    if (!(baseBatch > 0) || !(maxLrMultiplier > 0) || !(headroom >= 1) || !(noiseWindow > 0) || !(slack >= 0 && slack < 1)
        || Double.isInfinite(maxLrMultiplier) || Double.isInfinite(headroom) || Double.isInfinite(noiseWindow)) {
      throw new IllegalArgumentException("need b0 > 0, maxLr > 0, headroom >= 1, window > 0 and 0 <= slack < 1");
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
    String family = optimizer == null || optimizer.isBlank() ? "sgd" : optimizer.strip().toLowerCase(Locale.ROOT);
    family = family.contains(":") ? family.substring(0, family.indexOf(':')) : family;
    LearningRateCoupling coupling = LearningRateCoupling.forOptimizer(family);
    double b0 = baseBatchFor(family);
    return new GoodputConfig(coupling == LearningRateCoupling.ADASCALE && b0 != 1 ? 2 : 1, 4096, maxWaitMillis,
        64L << 20, 0, coupling, b0, 1, 0, 1.25, 5000, 1000, 0, 2, family, true, 1);
  }

  /** The batch size an optimizer family's usual learning rates are tuned for (see {@code b0}). */
  public static double baseBatchFor(String optimizerFamily) {
    return switch (optimizerFamily) {
      case "adam", "adamw", "nadam", "amsgrad", "rmsprop" -> 32;
      default -> 1;
    };
  }

  /** Parses the part after {@code goodput:}; keys not given keep their defaults. */
  public static GoodputConfig parse(String arguments, long maxWaitMillis, String optimizer) {
    return parse(arguments, maxWaitMillis, optimizer, 0);
  }

  /** As {@link #parse(String, long, String)}, with the learner's own bytes per example as the default of that key. */
  public static GoodputConfig parse(String arguments, long maxWaitMillis, String optimizer, long learnerBytesPerExample) {
    SpecArguments a = new SpecArguments("goodput:" + arguments, arguments, KEYS);
    GoodputConfig d = defaults(maxWaitMillis, a.text("optimizer", optimizer));
    String lr = a.text("lr", null);
    LearningRateCoupling coupling = lr == null ? d.coupling : LearningRateCoupling.parse(lr);
    double b0 = a.real("b0", d.baseBatch);
    int max = a.integer("max", d.maxBatch);
    boolean measuresNoise = coupling == LearningRateCoupling.ADASCALE && b0 != 1;
    return new GoodputConfig(
        a.integer("min", Math.min(max, measuresNoise ? 2 : 1)), max, a.millis("latency", d.latencyMillis),
        a.bytes("memory", d.memoryBytes), a.bytes("bytesPerExample", Math.max(0, learnerBytesPerExample)),
        coupling, b0,
        a.real("maxLr", d.maxLrMultiplier), Math.round(a.real("warmup", d.warmupExamples)),
        a.real("headroom", d.headroom), a.millis("drain", d.drainMillis), a.real("window", d.noiseWindow),
        a.real("slack", d.slack), a.integer("growth", d.growth),
        d.optimizer, a.flag("curvature", d.curvature), a.real("significance", d.significance));
  }

  /** The largest batch the memory budget allows; {@code maxBatch} when bytesPerExample is unknown. */
  public int memoryBatchLimit() {
    if (bytesPerExample <= 0) {
      return maxBatch;
    }
    return (int) Math.max(1, Math.min(maxBatch, memoryBytes / bytesPerExample));
  }

  /** The canonical spec, every key spelled out. */
  public String toSpec() {
    return String.format(Locale.ROOT,
        "goodput:min=%d,max=%d,latency=%dms,memory=%d,bytesPerExample=%d,lr=%s,b0=%s,maxLr=%s,warmup=%d,"
            + "headroom=%s,drain=%dms,window=%s,slack=%s,growth=%d,optimizer=%s,curvature=%s,significance=%s",
        minBatch, maxBatch, latencyMillis, memoryBytes, bytesPerExample, coupling.name().toLowerCase(Locale.ROOT),
        SpecNumbers.format(baseBatch), SpecNumbers.format(maxLrMultiplier), warmupExamples,
        SpecNumbers.format(headroom), drainMillis, SpecNumbers.format(noiseWindow), SpecNumbers.format(slack),
        growth, optimizer, curvature ? "on" : "off", SpecNumbers.format(significance));
  }
}
