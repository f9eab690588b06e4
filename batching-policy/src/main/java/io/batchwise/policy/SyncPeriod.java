package io.batchwise.policy;

import io.batchwise.policy.goodput.GradientNoise;

/**
 * How often the replicas of one model merge, when K learners each take batches of B from their own share of the
 * stream, and how much of a replica's summed updates a merge keeps.
 *
 * <p>K replicas at batch B that merge every H updates act, to first order, like one learner taking batches of
 * K H B: between two merges none of them sees the others' updates, so their K H gradients are taken at the same
 * (stale) model and add up as one large batch would. While that combined batch stays below the critical batch
 * size B_noise = tr(Sigma) / |G|^2 (McCandlish et al. 2018, "An Empirical Model of Large-Batch Training"), a
 * larger batch still buys nearly proportionally faster progress per step, and syncing every H updates costs
 * little against syncing after every one: this is the regime where local SGD matches mini-batch SGD (Stich 2019,
 * "Local SGD Converges Fast and Communicates Little"; Lin et al. 2020, "Don't Use Large Mini-Batches, Use Local
 * SGD"). Past it, the extra examples of a longer period are mostly wasted. So the adaptive period is the largest
 * H with K H B within {@code noiseFraction} B_noise: more merges when the gradient noise falls (or K or B grow),
 * fewer when the noise allows, as ADACOMM adapts the period to what it measures as training goes (Wang and Joshi
 * 2019, "Adaptive Communication Strategies to Achieve the Best Error-Runtime Trade-off in Local-Update SGD"); a
 * replica merges at least every {@code maxStalenessMillis} whatever H says, so its examples reach the merged
 * model within a bounded time however slowly its updates come.
 *
 * <p>A merge sums the replicas' updates. K replicas' i-th updates together are one step of batch K B, taken with
 * K times a replica's learning rate; the configured {@link LearningRateCoupling} says what rate a batch of K B
 * should get instead, relative to B ({@link #mergeScale}).
 *
 * @param fixedSteps         H when the period is fixed; 0 when it adapts
 * @param noiseFraction      the adaptive period keeps K H B at most this fraction of B_noise
 * @param maxStalenessMillis a replica with updates to merge merges once its last merge is this old
 */
public record SyncPeriod(int fixedSteps, double noiseFraction, long maxStalenessMillis) {
  /** The spec of the adaptive period. */
  public static final String ADAPTIVE = "adaptive";

  public SyncPeriod {
    if (fixedSteps < 0) {
      throw new IllegalArgumentException("sync period must be 'adaptive' or at least 1 update, got " + fixedSteps);
    }
    if (!(noiseFraction > 0) || Double.isInfinite(noiseFraction)) {
      throw new IllegalArgumentException("the share of B_noise must be positive, got " + noiseFraction);
    }
    if (maxStalenessMillis < 1) {
      throw new IllegalArgumentException("the staleness limit must be at least 1 ms, got " + maxStalenessMillis);
    }
  }

  /** {@code adaptive}, or a fixed number of updates H. */
  public static SyncPeriod parse(String spec, double noiseFraction, long maxStalenessMillis) {
    String s = spec.strip();
    if (s.equalsIgnoreCase(ADAPTIVE)) {
      return new SyncPeriod(0, noiseFraction, maxStalenessMillis);
    }
    try {
      int steps = Integer.parseInt(s);
      if (steps < 1) {
        throw new NumberFormatException();
      }
      return new SyncPeriod(steps, noiseFraction, maxStalenessMillis);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("sync period must be 'adaptive' or a number of updates of at least 1, got '"
          + spec + "'");
    }
  }

  public boolean adaptive() {
    return fixedSteps == 0;
  }

  /** The spec this period parses back from. */
  public String spec() {
    return adaptive() ? ADAPTIVE : Integer.toString(fixedSteps);
  }

  /** K H B: the batch that K learners at batch size B merging every H updates act like. */
  public static double combinedBatch(int learners, double batchSize, double steps) {
    return learners * batchSize * steps;
  }

  /**
   * H, the updates between two merges: fixed, or the largest H with K H B at most {@code noiseFraction} B_noise, at
   * least 1. While B_noise is unknown (NaN) 1, the cautious answer; unbounded ({@link Integer#MAX_VALUE}) when only
   * noise is measured (B_noise infinite), so that the staleness limit alone decides.
   *
   * @param learners   K, the learners of the model (the replicas and the one that merges)
   * @param batchSize  B, the replica's mean batch size
   * @param noiseScale B_noise as measured
   */
  public int steps(int learners, double batchSize, double noiseScale) {
    if (!adaptive()) {
      return fixedSteps;
    }
    if (Double.isNaN(noiseScale) || !(batchSize > 0) || learners < 1) {
      return 1;
    }
    double h = Math.floor(noiseFraction * Math.max(noiseScale, 0) / (learners * batchSize));
    return h >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) Math.max(1, h);
  }

  /**
   * True when a replica that took {@code updatesSince} updates over {@code millisSince} ms since its last merge
   * should merge now: it has at least one update, and H of them or the staleness limit is reached.
   */
  public boolean due(long updatesSince, long millisSince, int learners, double batchSize, double noiseScale) {
    return updatesSince >= 1 && (updatesSince >= steps(learners, batchSize, noiseScale) || millisSince >= maxStalenessMillis);
  }

  /**
   * The share of a replica's summed updates a merge applies: the coupling's learning-rate multiplier for the combined
   * step of batch K B relative to batch B, over the K that summing K replicas' steps gives. With the AdaScale rule
   * (Johnson et al. 2020) it is (B_noise + B) / (B_noise + K B): 1 (the sum) while K B is far below B_noise, 1 / K
   * (the average) far above it. Linear: 1; sqrt: 1 / sqrt(K); none: 1 / K. While B_noise is unknown AdaScale is
   * cautious, 1 / K. One learner: 1.
   */
  public static double mergeScale(LearningRateCoupling coupling, int learners, double batchSize, double noiseScale) {
    if (learners <= 1 || !(batchSize > 0)) {
      return 1.0;
    }
    GradientNoise noise = Double.isNaN(noiseScale) ? GradientNoise.UNKNOWN
        : Double.isInfinite(noiseScale) ? new GradientNoise(1, 0) : new GradientNoise(Math.max(noiseScale, 0), 1);
    double k = learners;
    return Math.min(1.0, coupling.multiplier(k * batchSize, batchSize, noise) / k);
  }
}
