package io.batchwise.policy.goodput;

import java.util.function.DoubleSupplier;

/**
 * Learning progress per second as a function of the batch size: the one place where the goodput
 * arithmetic lives (after AdaptDL's goodput.py).
 *
 * <p>Offline (Pollux, Qiao et al. OSDI'21): goodput(B) = B / T(B) * E(B), maximal at
 * B* = sqrt(alpha B_noise / beta). A stream cannot feed more than the rate lambda at which examples
 * become available, so its progress rate is min(B / T(B), lambda) * E(B). Below the keep-up batch
 * B_k = alpha lambda / (1 - beta lambda) that is the offline goodput; above B_k it is lambda E(B), which
 * falls as B grows. So once the learner can keep up, the best batch is the smallest that does, which
 * also gives the freshest model; only when no batch keeps up does the offline optimum B* matter.
 *
 * <p>E(B) assumes the learning rate follows B by the AdaScale gain r(B) = (B/B0) E(B). When the gain is
 * capped at {@code maxGain} (the learning rate may not grow past maxGain times the tuned one), a step at
 * B makes the progress of min(r(B), maxGain) steps at B0, so the efficiency is min(r(B), maxGain) B0/B.
 * Beyond the batch where r reaches the cap, goodput only falls, so B* is at most that batch.
 *
 * <p>When the learning rate follows a fixed rule (B/B0)^p instead of the gain (p = 1/2 for the sqrt
 * rule of Adam-like optimizers, 1 linear, 0 none), a step gets the multiplier m(B) = (B/B0)^p and makes
 * the progress of min(r(B), m(B)) steps at B0: no more than its rate allows, no more than the noise
 * allows. Below B0 the sqrt rule gives less than AdaScale's gain wherever B_noise is small, and then
 * progress per second sqrt(B B0) / T(B) favours larger batches than the AdaScale model would.
 *
 * <p>When the learner measures the curvature along the gradient (s = eps0 h, the base rate times it), the
 * rate is also capped at the optimal step (McCandlish et al. 2018, eq. 2.6), and progress follows their
 * quadratic model instead of the gain accounting: a step at B with multiplier m lowers the loss by
 * eps0 |G|^2 (m - m^2 s (1 + B_noise / B) / 2), with m(B) the multiplier the policy hands out (the coupling,
 * maxGain and the curvature cap 1 / (s (1 + B_noise / B)), whichever is smallest). This is what lets
 * a stream whose tuned rate is too high for its noise take larger batches from a backlog: at B = 1 the
 * cap lowers the rate, and a larger batch earns a larger rate back.
 *
 * @param noise           gradient statistics (tr(Sigma), |G|^2)
 * @param stepTime        T(B) = alpha + beta B
 * @param baseBatchSize   B0, the batch size the base learning rate was tuned for; E(B0) = 1
 * @param maxGain         cap on the learning-rate gain; infinity for McCandlish et al.'s E(B)
 * @param gainExponent    p of a learning rate that follows (B/B0)^p; NaN when it follows the AdaScale gain
 * @param baseSharpness   s = eps0 h, the base learning rate times the curvature along the gradient; NaN when
 *                        not measured (then the gain accounting above applies)
 * @param noiseScaleLimit the largest B_noise the estimates resolve (their window of examples); larger
 *                        values count as this one in the curvature model
 */
public record GoodputFunction(GradientNoise noise, StepTime stepTime, double baseBatchSize, double maxGain,
    double gainExponent, double baseSharpness, double noiseScaleLimit) {

  /** Without a curvature measurement. */
  public GoodputFunction(GradientNoise noise, StepTime stepTime, double baseBatchSize, double maxGain,
      double gainExponent) {
    this(noise, stepTime, baseBatchSize, maxGain, gainExponent, Double.NaN, Double.POSITIVE_INFINITY);
  }

  /** With an uncapped gain: E(B) = (B_noise + B0) / (B_noise + B). */
  public GoodputFunction(GradientNoise noise, StepTime stepTime, double baseBatchSize) {
    this(noise, stepTime, baseBatchSize, Double.POSITIVE_INFINITY);
  }

  /** With the learning rate following the AdaScale gain, capped at maxGain. */
  public GoodputFunction(GradientNoise noise, StepTime stepTime, double baseBatchSize, double maxGain) {
    this(noise, stepTime, baseBatchSize, maxGain, Double.NaN);
  }

  /**
   * E(B) = (B_noise + B0) / (B_noise + B), or min(r(B), m(B), maxGain) B0/B when the rate is capped or
   * follows a fixed rule m(B) = (B/B0)^p. 1 while the noise is unknown.
   */
  public double efficiency(double batchSize) {
    if (curvatureKnown()) {
      double reference = Double.isFinite(baseBatchSize) ? baseBatchSize : 1;
      return progressPerStep(batchSize) / batchSize / (progressPerStep(reference) / reference);
    }
    double e = noise.efficiency(batchSize, baseBatchSize);
    if (!noise.known() || (Double.isInfinite(maxGain) && Double.isNaN(gainExponent))) {
      return e;
    }
    double gain = Math.min(batchSize / baseBatchSize * e, maxGain);
    if (!Double.isNaN(gainExponent) && Double.isFinite(baseBatchSize)) {
      gain = Math.min(gain, Math.pow(batchSize / baseBatchSize, gainExponent));
    }
    return gain * baseBatchSize / batchSize;
  }

  /** Whether the curvature model applies: s and the noise are both known. */
  public boolean curvatureKnown() {
    return baseSharpness > 0 && Double.isFinite(baseSharpness) && noise.known();
  }

  /**
   * The multiplier of the base rate at batch size B: the coupling's (AdaScale gain, or (B/B0)^p), capped at
   * maxGain and, where the curvature is known, at the optimal step {@link GradientNoise#optimalRateMultiplier}.
   */
  public double rateMultiplier(double batchSize) {
    double m;
    if (Double.isNaN(gainExponent)) {
      m = noise.adaScaleGain(batchSize, baseBatchSize);
    } else {
      m = Double.isFinite(baseBatchSize) ? Math.pow(batchSize / baseBatchSize, gainExponent) : 1.0;
    }
    m = Math.min(m, maxGain);
    return curvatureKnown() ? Math.min(m, noise.optimalRateMultiplier(batchSize, baseSharpness, noiseScaleLimit)) : m;
  }

  /**
   * The loss decrease of one step at B, in units of eps0 |G|^2: m - m^2 s (1 + B_noise / B) / 2 (McCandlish et
   * al. 2018, eq. 2.5 along the gradient), with B_noise at most the resolvable limit.
   */
  private double progressPerStep(double batchSize) {
    double m = rateMultiplier(batchSize);
    double noiseScale = Math.min(noise.noiseScale(), noiseScaleLimit);
    return m - m * m * baseSharpness * (1 + noiseScale / batchSize) / 2;
  }

  /** Offline goodput B / T(B) * E(B), in B0-equivalent examples per second. */
  public double goodput(double batchSize) {
    return stepTime.throughput(batchSize) * efficiency(batchSize);
  }

  /** Stream goodput min(B / T(B), lambda) * E(B): progress per second when examples arrive at lambda. */
  public double streamGoodput(double batchSize, double rate) {
    return Math.min(stepTime.throughput(batchSize), rate) * efficiency(batchSize);
  }

  /**
   * B* = sqrt(alpha B_noise / beta), the maximum of the offline goodput (d/dB log goodput = 0 gives
   * alpha B_noise = beta B^2), at most the batch where the gain reaches its cap. +infinity when examples
   * cost nothing or the noise is unknown or unbounded, and the gain is not capped.
   */
  public double offlineOptimum() {
    if (curvatureKnown()) {
      // to 1% of B: the batch is an integer, and goodput is flat near its maximum
      return ruleOptimum(SEARCH_LIMIT, 1e-2);
    }
    double noiseScale = noise.noiseScale();
    StepTime t = stepTime;
    double capped = noise.batchAtGain(maxGain, baseBatchSize);
    if (!Double.isNaN(gainExponent) && Double.isFinite(baseBatchSize) && noise.known()) {
      // min(r, m) reaches the cap only where both do; m does at B0 maxGain^(1/p) (a constant rate never
      // does, unless the cap is below it)
      double ruleCap = gainExponent > 0 ? baseBatchSize * Math.pow(maxGain, 1 / gainExponent)
          : maxGain >= 1 ? Double.POSITIVE_INFINITY : 1;
      return ruleOptimum(Math.max(capped, ruleCap), 1e-4);
    }
    if (Double.isNaN(noiseScale) || Double.isInfinite(noiseScale) || t.beta() <= 0) {
      return capped;
    }
    return Math.min(Math.sqrt(t.alpha() * noiseScale / t.beta()), capped);
  }

  /**
   * What the search maximizes: the goodput up to a constant factor. With the curvature known, progress per
   * step over T(B), without the normalization to B0 that {@link #efficiency} needs, which halves the cost.
   */
  private double searchObjective(double batchSize) {
    return curvatureKnown() ? progressPerStep(batchSize) / batchSize * stepTime.throughput(batchSize) : goodput(batchSize);
  }

  /** Largest batch the numerical search looks at. */
  private static final double SEARCH_LIMIT = 1e7;

  /**
   * The maximum of B0 min(r(B), m(B)) / T(B) for B in [1, limit], by golden-section search on log B:
   * r(B)/T(B) and m(B)/T(B) each rise and then fall (or only rise), so their minimum is unimodal too.
   * Beyond the cap the goodput only falls, so the cap bounds the search. The curvature model's progress per
   * step rises with B and levels off, so over T(B) it is unimodal as well.
   */
  private double ruleOptimum(double limit, double logTolerance) {
    double hi = Math.log(Math.max(1, Math.min(limit, SEARCH_LIMIT)));
    double lo = 0;
    double ratio = (Math.sqrt(5) - 1) / 2;
    double a = hi - ratio * (hi - lo);
    double b = lo + ratio * (hi - lo);
    double ga = searchObjective(Math.exp(a));
    double gb = searchObjective(Math.exp(b));
    for (int i = 0; i < 60 && hi - lo > logTolerance; i++) {
      if (ga < gb) {
        lo = a;
        a = b;
        ga = gb;
        b = lo + ratio * (hi - lo);
        gb = searchObjective(Math.exp(b));
      } else {
        hi = b;
        b = a;
        gb = ga;
        a = hi - ratio * (hi - lo);
        ga = searchObjective(Math.exp(a));
      }
    }
    return Math.exp((lo + hi) / 2);
  }

  /**
   * The batch size in [lo, hi] for a stream that needs {@code rate} examples per second, with nothing
   * waiting. If some batch in the bounds keeps up, the smallest one, ceil(B_k): keeping up is a hard
   * constraint (a learner that falls behind learns from ever older events), and above B_k the stream
   * goodput lambda E(B) only falls. If none keeps up, the one that learns fastest meanwhile, B*
   * clamped (the better of its floor and ceiling): the events that wait are learned later, and a larger batch
   * would drain them sooner at the price of learning each less (in a JVM's first seconds, when every step is
   * slow, a floor at 90% of the peak throughput took the MLP to batches of 400).
   */
  public int streamOptimum(double rate, int lo, int hi) {
    return streamOptimum(rate, lo, hi, this::offlineOptimum);
  }

  private int streamOptimum(double rate, int lo, int hi, DoubleSupplier offlineOptimum) {
    if (hi <= lo) {
      return lo;
    }
    double keepUp = stepTime.keepUpBatch(rate);
    if (keepUp > hi) {
      return clamp(offlineOptimum.getAsDouble(), lo, hi);
    }
    return (int) Math.max(lo, Math.ceil(keepUp));
  }

  /**
   * As {@link #streamOptimum(double, int, int)}, with {@code waiting} events already buffered. Those are
   * not limited by the arrival rate, so for them the offline goodput applies: the batch takes up to B*
   * of them, never fewer than the keep-up batch, and never waits for more.
   */
  public int streamOptimum(double rate, long waiting, int lo, int hi) {
    return streamOptimum(rate, waiting, lo, hi, this::offlineOptimum);
  }

  /**
   * As {@link #streamOptimum(double, long, int, int)}, with B* from {@code offlineOptimum}, asked only when
   * needed: a caller may hand in a recent value, since the numerical search costs more than a step of a
   * small model does.
   */
  public int streamOptimum(double rate, long waiting, int lo, int hi, DoubleSupplier offlineOptimum) {
    int keepUp = streamOptimum(rate, lo, hi, offlineOptimum);
    if (waiting <= keepUp) {
      return keepUp;
    }
    return (int) Math.max(keepUp, Math.min(clamp(offlineOptimum.getAsDouble(), lo, hi), waiting));
  }

  /** B* clamped to [lo, hi]: the better of its floor and ceiling. */
  public int offlineOptimum(int lo, int hi) {
    return clamp(offlineOptimum(), lo, hi);
  }

  /**
   * B* resolved to the better of its floor and ceiling, at least 1: clamping that to any integer bounds
   * gives what {@link #offlineOptimum(int, int)} does, without evaluating the goodput again.
   */
  public double integerOptimum() {
    double best = offlineOptimum();
    if (!(best > 1)) {
      return 1;
    }
    if (Double.isInfinite(best) || best == Math.rint(best)) {
      return best;
    }
    double below = Math.floor(best);
    return goodput(below + 1) >= goodput(below) ? below + 1 : below;
  }

  private int clamp(double best, int lo, int hi) {
    if (!(best > lo)) {
      return lo;
    }
    if (best >= hi) {
      return hi;
    }
    if (best == Math.rint(best)) {
      return (int) best;
    }
    int below = (int) Math.floor(best);
    int above = below + 1;
    return goodput(above) >= goodput(below) ? above : below;
  }
}
