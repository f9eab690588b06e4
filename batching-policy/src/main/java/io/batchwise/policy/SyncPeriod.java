package io.batchwise.policy;

import io.batchwise.policy.goodput.GradientNoise;

/**
 * How often the replicas of one model merge, when K learners each take batches of B from their own share of the
 * stream, and how much of what they learned a merge keeps.
 *
 * <p>K learners at batch B that merge every H updates act, to first order, like one learner taking batches of
 * K H B: between two merges none of them sees the others' updates, so their gradients are taken at the same (stale)
 * model and add up as one large batch's would. Below the critical batch size B_noise = tr(Sigma) / |G|^2 (McCandlish
 * et al. 2018, "An Empirical Model of Large-Batch Training") a larger batch still buys nearly proportionally faster
 * progress; past it, the extra examples are mostly wasted. A period's examples count with the statistical
 * efficiency E(H) = (B_noise + H B) / (B_noise + K H B) (the learners' H B examples each, taken as one step of
 * K H B instead of K steps of H B: {@link #efficiency}). This is the regime where local SGD matches mini-batch SGD
 * (Stich 2019, "Local SGD Converges Fast and Communicates Little"; Lin et al. 2020, "Don't Use Large Mini-Batches, Use
 * Local SGD"), and the trade-off ADACOMM adapts the period to as training goes (Wang and Joshi 2019, "Adaptive
 * Communication Strategies to Achieve the Best Error-Runtime Trade-off in Local-Update SGD").
 *
 * <p>A merge is not free: the replica spends m seconds on it (taking and writing its delta with its checkpoint, the
 * transaction's commit, rebasing), against c seconds per example it learns. The adaptive period is the H that makes
 * the most progress per second of the replica's time, E(H) H B / (H B c + m) ({@link #steps}), and never so long that
 * K H B passes B_noise: short while K H B nears B_noise (more merges when the noise falls or K grows), long when the
 * noise allows or merges are dear. A replica merges at least every {@code maxStalenessMillis} whatever H says, so
 * its examples reach the merged model within a bounded time however slowly its updates come.
 *
 * <p>A merge adds up what the learners learned, each part scaled by {@link #mergeScale}: a learner's H B examples, taken
 * from a model that lacked X - H B others merged meanwhile, are one step of a batch of X taken with X / (H B) times the
 * rate (K H B for K learners alike), and the configured {@link LearningRateCoupling} says what rate that batch should
 * get instead. With AdaScale that is the sum while X is far below B_noise (noisy steps add up as one learner's would)
 * and the examples' share of X far above it (each learner went where the signal points, and the parts added up would
 * overshoot): the staleness-aware weighting of asynchronous merges.
 *
 * @param fixedSteps         H when the period is fixed; 0 when it adapts
 * @param maxStalenessMillis a replica with updates to merge merges once its last merge is this old
 */
public record SyncPeriod(int fixedSteps, long maxStalenessMillis) {
  /** The spec of the adaptive period. */
  public static final String ADAPTIVE = "adaptive";

  public SyncPeriod {
    if (fixedSteps < 0) {
      throw new IllegalArgumentException("sync period must be 'adaptive' or at least 1 update, got " + fixedSteps);
    }
    if (maxStalenessMillis < 1) {
      throw new IllegalArgumentException("the staleness limit must be at least 1 ms, got " + maxStalenessMillis);
    }
  }

  /** {@code adaptive}, or a fixed number of updates H. */
  public static SyncPeriod parse(String spec, long maxStalenessMillis) {
    String s = spec.strip();
    if (s.equalsIgnoreCase(ADAPTIVE)) {
      return new SyncPeriod(0, maxStalenessMillis);
    }
    try {
      int steps = Integer.parseInt(s);
      if (steps < 1) {
        throw new NumberFormatException();
      }
      return new SyncPeriod(steps, maxStalenessMillis);
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
   * E(H) = (B_noise + H B) / (B_noise + K H B): what an example learned by one of K learners that merge every H
   * updates of B is worth against one learned by a learner alone (McCandlish et al.'s efficiency of the batch K H B
   * relative to H B). 1 for one learner or pure noise, 1 / K far past B_noise.
   */
  public static double efficiency(int learners, double batchSize, double steps, double noiseScale) {
    double alone = steps * batchSize;
    if (learners <= 1 || Double.isInfinite(noiseScale)) {
      return 1.0;
    }
    double noise = Math.max(noiseScale, 0);
    return (noise + alone) / (noise + learners * alone);
  }

  /**
   * H, the updates between two merges: fixed, or the one that maximizes a replica's progress per second,
   * E(H) H B / (H B c + m), but at most B_noise / (K B), so that K H B stays below B_noise. With x = H B and N = B_noise,
   * the derivative vanishes where a x^2 - 2 m N x - m N^2 = 0 with a = c N (K - 1) - m K, so
   * x = N (m + sqrt(m^2 + a m)) / a; where a is not positive (merges cost more than all the staleness could) the bound
   * alone decides. Unbounded ({@link Integer#MAX_VALUE}: the staleness limit decides) for one learner or pure noise;
   * at least 1. While B_noise or the costs are unknown, 1: the cautious answer.
   *
   * @param learners       K, the learners of the model (the replicas and the one that merges)
   * @param batchSize      B, the replica's batch size
   * @param noiseScale     B_noise as measured
   * @param exampleSeconds c, the replica's time per example learned (the stream's and the step's)
   * @param mergeSeconds   m, the replica's time per merge
   */
  public int steps(int learners, double batchSize, double noiseScale, double exampleSeconds, double mergeSeconds) {
    if (!adaptive()) {
      return fixedSteps;
    }
    if (Double.isNaN(noiseScale) || !(batchSize > 0) || !(exampleSeconds > 0) || !(mergeSeconds > 0)) {
      return 1;
    }
    double n = Math.max(noiseScale, 0);
    double m = mergeSeconds;
    if (learners <= 1 || Double.isInfinite(n)) {
      return Integer.MAX_VALUE;
    }
    double a = exampleSeconds * n * (learners - 1) - m * learners;
    double examples = n / learners;
    if (a > 0) {
      examples = Math.min(examples, n * (m + Math.sqrt(m * m + a * m)) / a);
    }
    double h = Math.floor(examples / batchSize);
    return h >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) Math.max(1, h);
  }

  /**
   * True when a replica that took {@code updatesSince} updates over {@code millisSince} ms since its last merge
   * should merge now: it has at least one update, and H of them ({@link #steps}) or the staleness limit is reached.
   */
  public boolean due(long updatesSince, long millisSince, int learners, double batchSize, double noiseScale,
      double exampleSeconds, double mergeSeconds) {
    return updatesSince >= 1 && (millisSince >= maxStalenessMillis
        || updatesSince >= steps(learners, batchSize, noiseScale, exampleSeconds, mergeSeconds));
  }

  /**
   * The share of what a learner learned (x examples) that a merge applies, when the model it learned from lacked what
   * the merged model has since taken in: the coupling's learning-rate multiplier for the combined step of batch X
   * (x and those others) relative to one of x, over the X / x that adding the parts up gives. With the AdaScale rule
   * (Johnson et al. 2020) it is (B_noise + x) / (B_noise + X): 1 (the sum) while X is far below B_noise, x / X far above
   * it; for K learners alike, X = K x and it is {@link #efficiency}. Linear: 1; sqrt: sqrt(x / X); none: x / X (the
   * average weighted by examples). While B_noise is unknown AdaScale is cautious, x / X. Nothing else merged: 1.
   *
   * @param examples         x, what the learner learned since its last merge
   * @param combinedExamples X, those and what the merged model took in that the learner did not see
   */
  public static double mergeScale(LearningRateCoupling coupling, double examples, double combinedExamples,
      double noiseScale) {
    if (!(examples > 0) || !(combinedExamples > examples)) {
      return 1.0;
    }
    GradientNoise noise = Double.isNaN(noiseScale) ? GradientNoise.UNKNOWN
        : Double.isInfinite(noiseScale) ? new GradientNoise(1, 0) : new GradientNoise(Math.max(noiseScale, 0), 1);
    double parts = combinedExamples / examples;
    return Math.min(1.0, coupling.multiplier(combinedExamples, examples, noise) / parts);
  }
}
