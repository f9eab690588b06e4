package io.batchwise.policy;

import io.batchwise.policy.goodput.GradientNoise;

/**
 * How often the replicas of one model merge, when K learners each take batches of B from their own share of the
 * stream, and how a merge combines what they learned.
 *
 * <p>K learners at batch B that merge every H updates act, to first order, like one learner taking batches of
 * K H B: between two merges none of them sees the others' updates, so their gradients are taken at the same (stale)
 * model and add up as one large batch's would. Below the critical batch size B_noise = tr(Sigma) / |G|^2 (McCandlish
 * et al. 2018, "An Empirical Model of Large-Batch Training") a larger batch still buys nearly proportionally faster
 * progress; past it, the extra examples are mostly wasted. This is the regime where local SGD matches mini-batch SGD
 * (Stich 2019, "Local SGD Converges Fast and Communicates Little"; Lin et al. 2020, "Don't Use Large Mini-Batches, Use
 * Local SGD"). For a model that measures no curvature the adaptive period ({@link #steps}) is the longest that keeps
 * K H B below B_noise, B_noise / (K B), as ADACOMM adapts the period while training goes (Wang and Joshi 2019,
 * "Adaptive Communication Strategies to Achieve the Best Error-Runtime Trade-off in Local-Update SGD").
 *
 * <p>A model that measures its step sharpness eps h is merged by the curvature ({@link #mergeWeights}): the merge adds
 * the replicas' steps as one learner taking them in turn would, not as one step of batch K H B, so what a longer
 * period costs is not the large batch's wasted examples but the stale models the steps were taken from, which the
 * merge corrects exactly only on a quadratic. Its period keeps the K H updates between two merges within a quarter of
 * the curvature's time scale 1 / (eps h): K H eps h at most {@link #STALE_MOVE}, the share of its way to the minimum
 * along the gradient the model covers meanwhile (measured on the virtual clock: docs/BENCHMARKS.md, data-parallel
 * learning). The longest such period, because each merge costs a commit. A replica merges at least every
 * {@code maxStalenessMillis} whatever H says, so its examples reach the merged model within a bounded time however
 * slowly its updates come.
 *
 * @param fixedSteps         H when the period is fixed; 0 when it adapts
 * @param maxStalenessMillis a replica with updates to merge merges once its last merge is this old
 */
public record SyncPeriod(int fixedSteps, long maxStalenessMillis) {
  /** The spec of the adaptive period. */
  public static final String ADAPTIVE = "adaptive";
  /** K H eps h, the share of its way to the minimum a model merged by its curvature covers between two merges. */
  public static final double STALE_MOVE = 0.25;

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
   * H, the updates between two merges: fixed, or adaptive: for a model that measures its step sharpness eps h, the
   * longest that keeps K H eps h at most {@link #STALE_MOVE}; else the longest that keeps K H B below B_noise,
   * floor(B_noise / (K B)). At least 1; unbounded ({@link Integer#MAX_VALUE}: the staleness limit decides) for one
   * learner or pure noise; 1 while neither is known: the cautious answer.
   *
   * @param learners      K, the learners of the model (the replicas and the one that merges)
   * @param batchSize     B, the replica's batch size
   * @param noiseScale    B_noise as measured
   * @param stepSharpness eps h per update as the model measures it; NaN for a model that does not
   */
  public int steps(int learners, double batchSize, double noiseScale, double stepSharpness) {
    if (!adaptive()) {
      return fixedSteps;
    }
    if (learners <= 1) {
      return Integer.MAX_VALUE;
    }
    if (stepSharpness > 0 && Double.isFinite(stepSharpness)) {
      return atLeastOne(STALE_MOVE / learners / stepSharpness);
    }
    if (Double.isNaN(noiseScale) || !(batchSize > 0)) {
      return 1;
    }
    if (Double.isInfinite(noiseScale)) {
      return Integer.MAX_VALUE;
    }
    return atLeastOne(Math.max(noiseScale, 0) / learners / batchSize);
  }

  private static int atLeastOne(double steps) {
    double h = Math.floor(steps);
    return h >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) Math.max(1, h);
  }

  /**
   * True when a replica that took {@code updatesSince} updates over {@code millisSince} ms since its last merge
   * should merge now: it has at least one update, and H of them ({@link #steps}) or the staleness limit is reached.
   */
  public boolean due(long updatesSince, long millisSince, int learners, double batchSize, double noiseScale,
      double stepSharpness) {
    return updatesSince >= 1 && (millisSince >= maxStalenessMillis
        || updatesSince >= steps(learners, batchSize, noiseScale, stepSharpness));
  }

  /**
   * The share of what a learner learned (x examples) that a merge applies when the model does not measure its
   * curvature ({@link #mergeWeights} otherwise), the model it learned from lacking what the merged model has since
   * taken in: the coupling's learning-rate multiplier for the combined step of batch X (x and those others) relative
   * to one of x, over the X / x that adding the parts up gives. With the AdaScale rule (Johnson et al. 2020) it is
   * (B_noise + x) / (B_noise + X): 1 (the sum) while X is far below B_noise, x / X far above it; for K learners alike,
   * X = K x and it is McCandlish et al.'s efficiency of the batch K x relative to x. Linear: 1; sqrt: sqrt(x / X);
   * none: x / X (the average weighted by examples). While B_noise is unknown AdaScale is cautious, x / X. Nothing else
   * merged: 1.
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

  /**
   * How a merge applies a learner's delta d, its move over {@code updates} updates since the version it learned from,
   * to a model w that moved D over {@code unseenUpdates} updates since that version: the model becomes
   * w + {@link MergeWeights#delta} d - {@link MergeWeights#takenBack} D.
   *
   * <p>On a quadratic loss with curvature h along a direction and updates of rate eps, an update leaves rho = 1 - eps h
   * of the parameters' distance to the minimum and adds its examples' noise. One learner that took the model's updates
   * and then the learner's, on the same examples, would end exactly at w + d - (1 - rho^updates) D: the learner's
   * updates, taken from a later point, add the same noise and take their share of the way from there. In the other
   * order it ends at w + rho^unseenUpdates d. The merge takes the mean of the two orders, which averages the parts'
   * noise where both went all the way: delta (1 + rho^unseenUpdates) / 2, taken back (1 - rho^updates) / 2. While eps h
   * times the updates is small this is the sum, as one learner's steps add up; once both parts have reached the
   * minimum it is the mean of where they got to, where the sum would overshoot. The gradient noise needs no share of
   * its own: each part's noise stays in the result as one learner's would.
   *
   * @param stepSharpness eps h per update, as the model measures it along the gradient
   */
  public static MergeWeights mergeWeights(double stepSharpness, double updates, double unseenUpdates) {
    if (!(updates > 0) || !(unseenUpdates > 0) || !(stepSharpness > 0)) {
      return MergeWeights.SUM;
    }
    double remaining = Math.max(0.0, 1.0 - stepSharpness);
    return new MergeWeights((1 + Math.pow(remaining, unseenUpdates)) / 2, (1 - Math.pow(remaining, updates)) / 2);
  }

  /**
   * The weights of a merge: of the learner's delta, and of the model's own move since the delta's base that it takes
   * back.
   */
  public record MergeWeights(double delta, double takenBack) {
    /** The parts added up. */
    public static final MergeWeights SUM = new MergeWeights(1, 0);
  }
}
