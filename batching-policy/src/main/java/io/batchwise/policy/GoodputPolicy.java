package io.batchwise.policy;

import io.batchwise.policy.estimate.NoiseScaleEstimator;
import io.batchwise.policy.estimate.StepTimeModel;
import io.batchwise.policy.goodput.GoodputFunction;
import io.batchwise.policy.goodput.GradientNoise;
import io.batchwise.policy.goodput.StepTime;

/**
 * Chooses the batch size that maximizes learning progress per second of a stream,
 * min(B / T(B), lambda_need) * E(B) (see {@link GoodputFunction}), within the bounds of {@link GoodputConfig}.
 *
 * <p>lambda_need = headroom * (lambda + backlog / drain). With nothing waiting, the learner has to keep up
 * with that rate, and the answer is the smallest batch that does, B_k = alpha lambda_need / (1 - beta
 * lambda_need): once the learner keeps up, every larger batch spends the same examples on fewer updates
 * (E(B) falls) and makes the model staler. Events already waiting (a backlog, a burst) are not limited by
 * the arrival rate, so the policy takes up to B* of them per batch, B* = sqrt(alpha B_noise / beta) the
 * offline goodput optimum of Pollux, never fewer than B_k, never waiting for more; once caught up, B
 * falls back to B_k. When no batch within the bounds can drain the backlog in time but one keeps up with
 * the arrivals, B is at least that one, so the lag does not grow. When none keeps up even with the
 * arrivals (compute-bound: a big model, a fast stream), B = B*: the lag grows whatever B is, so learn
 * as fast as possible. Noisy gradients (large B_noise) raise B*, clean ones lower it.
 *
 * <p>B* uses the efficiency the learning rate actually gets: with the multiplier capped at {@code maxLr}
 * (default 1, never above the tuned rate; any coupling), a batch beyond the cap is worth maxLr steps at b0, so B* is at
 * most the batch where the gain reaches the cap (b0 for maxLr = 1). Uncapped (maxLr 16), the backlog
 * batches grew to 100-300 with 3-6x the tuned rate, and 2 of 7 runs on the drifting benchmark stream
 * needed 7x more examples to reach the target loss (docs/BENCHMARKS.md, batching-policy/README.md).
 *
 * <p>The learning rate follows the chosen B by the configured {@link LearningRateCoupling}, capped at
 * {@code maxLr}, ramped during the optional warm-up.
 */
public final class GoodputPolicy implements BatchingPolicy {
  private static final double STATE_VERSION = 2;
  private static final double STEP_TIME_DECAY = 0.98;
  private static final int STATE_SIZE = 1 + NoiseScaleEstimator.STATE_SIZE + StepTimeModel.STATE_SIZE + 3;

  private final GoodputConfig config;
  private final NoiseScaleEstimator noise;
  private final StepTimeModel stepTime;
  private double arrivalRate;
  private double examplesSeen;
  private int lastBatch;

  public GoodputPolicy(GoodputConfig config) {
    this.config = config;
    this.noise = new NoiseScaleEstimator(config.noiseWindow());
    this.stepTime = new StepTimeModel(STEP_TIME_DECAY);
  }

  public GoodputConfig config() {
    return config;
  }

  @Override
  public String spec() {
    return config.toSpec();
  }

  @Override
  public BatchDecision initial() {
    return decide(0);
  }

  @Override
  public BatchDecision next(BatchObservation o) {
    int b = o.batchSize();
    if (b >= 1) {
      examplesSeen += b;
      lastBatch = b;
      noise.observe(b, o.meanExampleGradientSquaredNorm(), o.meanGradientSquaredNorm());
      stepTime.observe(b, o.stepSeconds());
    }
    if (o.arrivalRate() >= 0 && Double.isFinite(o.arrivalRate())) {
      arrivalRate = o.arrivalRate();
    } else if (b >= 1 && o.fillSeconds() > 0 && Double.isFinite(o.fillSeconds()) && o.backlog() <= 0) {
      // a batch that filled from fresh arrivals alone measures the rate itself
      arrivalRate = b / o.fillSeconds();
    }
    return decide(Math.max(0, o.backlog()));
  }

  /** The goodput model as the policy currently sees it. */
  public GoodputFunction goodputFunction() {
    // E(B) is only compared across B, and any finite reference gives the same comparisons
    double reference = Double.isFinite(config.baseBatch()) ? config.baseBatch() : config.minBatch();
    return new GoodputFunction(noise.current(), stepTime.current(), reference, maxGain(config), gainExponent(config));
  }

  /** p of the rule m(B) = (B/B0)^p the coupling follows; NaN for AdaScale, which follows the gain itself. */
  static double gainExponent(GoodputConfig config) {
    return switch (config.coupling()) {
      case NONE -> 0;
      case SQRT -> 0.5;
      case LINEAR -> 1;
      case ADASCALE -> Double.NaN;
    };
  }

  /**
   * The largest learning-rate gain a batch can get: maxLr for every coupling that scales the rate, 1 for
   * none. A step whose rate is g times the tuned one makes at most the progress of g steps at b0 (AdaScale's
   * accounting, Johnson et al. 2020), whatever the noise would allow, so the efficiency model has to know the
   * cap for the sqrt and linear rules as much as for AdaScale: with Adam's sqrt rule uncapped in the model,
   * waiting events on the 784-d MLP went into batches of 200-1000 at the tuned rate, and the examples to the
   * target loss tripled (docs/BENCHMARKS.md). Infinite when b0 is (a noise-free base rate has no cap to reach).
   */
  static double maxGain(GoodputConfig config) {
    if (!Double.isFinite(config.baseBatch())) {
      return Double.POSITIVE_INFINITY;
    }
    return config.coupling() == LearningRateCoupling.NONE ? Math.min(1.0, config.maxLrMultiplier()) : config.maxLrMultiplier();
  }

  private BatchDecision decide(long backlog) {
    GoodputFunction f = goodputFunction();
    GradientNoise g = f.noise();
    StepTime t = f.stepTime();
    int lo = config.minBatch();
    double latencyFill = backlog + arrivalRate * config.latencyMillis() / 1000.0;
    int hi = (int) Math.max(lo, Math.min(config.memoryBatchLimit(), Math.floor(Math.min(latencyFill, Integer.MAX_VALUE))));
    double needed = config.headroom() * (arrivalRate + backlog * 1000.0 / config.drainMillis());
    int batch;
    double ramp = 1.0;
    if (examplesSeen < config.warmupExamples()) {
      batch = (int) Math.max(lo, Math.min(hi, Math.ceil(Math.min(t.keepUpBatch(needed), hi))));
      ramp = Math.min(1.0, (examplesSeen + batch) / config.warmupExamples());
    } else {
      batch = f.streamOptimum(needed, backlog, lo, hi);
      double arrivalsOnly = t.keepUpBatch(config.headroom() * arrivalRate);
      if (t.keepUpBatch(needed) > hi && arrivalsOnly <= hi) {
        // the backlog cannot drain in time, but the lag must at least not grow
        batch = (int) Math.max(batch, Math.ceil(arrivalsOnly));
      }
      if (config.slack() > 0 && batch >= t.keepUpBatch(needed)) {
        batch = (int) Math.max(batch, Math.min(hi, Math.floor(g.batchWithinSlack(batch, config.slack()))));
      }
    }
    if (lastBatch > 0) {
      // a trust region: the estimates behind a much larger batch come from much smaller ones
      batch = (int) Math.max(lo, Math.min(batch, (long) config.growth() * lastBatch));
    }
    double multiplier = Math.min(config.maxLrMultiplier(),
        config.coupling().multiplier(batch, config.baseBatch(), g)) * ramp;
    double noiseScale = g.noiseScale();
    return new BatchDecision(batch, multiplier, config.latencyMillis(),
        Double.isFinite(noiseScale) ? noiseScale : Double.NaN);
  }

  @Override
  public double[] exportState() {
    double[] state = new double[STATE_SIZE];
    state[0] = STATE_VERSION;
    System.arraycopy(noise.exportState(), 0, state, 1, NoiseScaleEstimator.STATE_SIZE);
    System.arraycopy(stepTime.exportState(), 0, state, 1 + NoiseScaleEstimator.STATE_SIZE, StepTimeModel.STATE_SIZE);
    state[STATE_SIZE - 3] = arrivalRate;
    state[STATE_SIZE - 2] = examplesSeen;
    state[STATE_SIZE - 1] = lastBatch;
    return state;
  }

  @Override
  public void restoreState(double[] state) {
    if (state.length == 0) {
      return;
    }
    if (state.length != STATE_SIZE || state[0] != STATE_VERSION) {
      throw new IllegalArgumentException("not a goodput policy state (version " + STATE_VERSION + ", "
          + STATE_SIZE + " values): got " + state.length + " values");
    }
    noise.restoreState(state, 1);
    stepTime.restoreState(state, 1 + NoiseScaleEstimator.STATE_SIZE);
    arrivalRate = state[STATE_SIZE - 3];
    examplesSeen = state[STATE_SIZE - 2];
    lastBatch = (int) state[STATE_SIZE - 1];
  }
}
