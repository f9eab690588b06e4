package io.batchwise.policy.goodput;

/**
 * Learning progress per second as a function of the batch size: the one place where the goodput
 * arithmetic lives (after AdaptDL's goodput.py).
 *
 * <p>Offline (Pollux, Qiao et al. OSDI'21): goodput(B) = B / T(B) * E(B), maximal at
 * B* = sqrt(alpha B_noise / beta). A stream cannot feed more than the rate lambda at which examples
 * become available, so its progress rate is min(B / T(B), lambda) * E(B). Below the keep-up batch
 * B_k = alpha lambda / (1 - beta lambda) that is the offline goodput; above B_k it is lambda E(B), which
 * falls as B grows. So once the learner can keep up, the best batch is the smallest that does, which
 * also gives the freshest model; only when no batch keeps up does the offline optimum B* matter, and
 * then no less than the batch within 10% of the best throughput, so the lag grows no faster than it must.
 *
 * <p>E(B) assumes the learning rate follows B by the AdaScale gain r(B) = (B/B0) E(B). When the gain is
 * capped at {@code maxGain} (the learning rate may not grow past maxGain times the tuned one), a step at
 * B makes the progress of min(r(B), maxGain) steps at B0, so the efficiency is min(r(B), maxGain) B0/B.
 * Beyond the batch where r reaches the cap, goodput only falls, so B* is at most that batch.
 *
 * @param noise         gradient statistics (tr(Sigma), |G|^2)
 * @param stepTime      T(B) = alpha + beta B
 * @param baseBatchSize B0, the batch size the base learning rate was tuned for; E(B0) = 1
 * @param maxGain       cap on the learning-rate gain; infinity for McCandlish et al.'s E(B)
 */
public record GoodputFunction(GradientNoise noise, StepTime stepTime, double baseBatchSize, double maxGain) {

  /** With an uncapped gain: E(B) = (B_noise + B0) / (B_noise + B). */
  public GoodputFunction(GradientNoise noise, StepTime stepTime, double baseBatchSize) {
    this(noise, stepTime, baseBatchSize, Double.POSITIVE_INFINITY);
  }

  /** E(B) = (B_noise + B0) / (B_noise + B), or min(r(B), maxGain) B0/B with a capped gain. */
  public double efficiency(double batchSize) {
    double e = noise.efficiency(batchSize, baseBatchSize);
    if (Double.isInfinite(maxGain) || !noise.known()) {
      return e;
    }
    return Math.min(batchSize / baseBatchSize * e, maxGain) * baseBatchSize / batchSize;
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
    double noiseScale = noise.noiseScale();
    StepTime t = stepTime;
    double capped = noise.batchAtGain(maxGain, baseBatchSize);
    if (Double.isNaN(noiseScale) || Double.isInfinite(noiseScale) || t.beta() <= 0) {
      return capped;
    }
    return Math.min(Math.sqrt(t.alpha() * noiseScale / t.beta()), capped);
  }

  /**
   * The batch size in [lo, hi] for a stream that needs {@code rate} examples per second, with nothing
   * waiting. If some batch in the bounds keeps up, the smallest one, ceil(B_k): keeping up is a hard
   * constraint (a learner that falls behind learns from ever older events), and above B_k the stream
   * goodput lambda E(B) only falls. If none keeps up, the one that learns fastest meanwhile, B*
   * clamped (the better of its floor and ceiling), but at least the batch within 10% of the peak
   * throughput ({@link #nearPeakThroughputBatch}).
   */
  public int streamOptimum(double rate, int lo, int hi) {
    if (hi <= lo) {
      return lo;
    }
    double keepUp = stepTime.keepUpBatch(rate);
    if (keepUp > hi) {
      return Math.max(offlineOptimum(lo, hi), nearPeakThroughputBatch(lo, hi));
    }
    return (int) Math.max(lo, Math.ceil(keepUp));
  }

  /** Share of the best throughput within the bounds that a learner that cannot keep up must reach. */
  public static final double NEAR_PEAK_THROUGHPUT = 0.9;

  /**
   * The smallest batch in [lo, hi] whose throughput B / T(B) is within 10% of the throughput at hi:
   * a learner that falls behind must not fall behind much faster than it has to, even where B* (which
   * ignores the growing lag) is smaller, and trying it is also how the step-time model learns beta.
   */
  public int nearPeakThroughputBatch(int lo, int hi) {
    double peak = stepTime.throughput(hi);
    if (Double.isInfinite(peak)) {
      return lo;
    }
    double b = Math.ceil(stepTime.keepUpBatch(NEAR_PEAK_THROUGHPUT * peak) - 1e-9);
    return (int) Math.max(lo, Math.min(hi, b));
  }

  /**
   * As {@link #streamOptimum(double, int, int)}, with {@code waiting} events already buffered. Those are
   * not limited by the arrival rate, so for them the offline goodput applies: the batch takes up to B*
   * of them, never fewer than the keep-up batch, and never waits for more.
   */
  public int streamOptimum(double rate, long waiting, int lo, int hi) {
    int keepUp = streamOptimum(rate, lo, hi);
    if (waiting <= keepUp) {
      return keepUp;
    }
    return (int) Math.max(keepUp, Math.min(offlineOptimum(lo, hi), waiting));
  }

  /** B* clamped to [lo, hi]: the better of its floor and ceiling. */
  public int offlineOptimum(int lo, int hi) {
    double best = offlineOptimum();
    if (!(best > lo)) {
      return lo;
    }
    if (best >= hi) {
      return hi;
    }
    int below = (int) Math.floor(best);
    int above = below + 1;
    return goodput(above) >= goodput(below) ? above : below;
  }
}
