package io.batchwise.policy;

import io.batchwise.policy.estimate.NoiseScaleEstimator;
import io.batchwise.policy.estimate.SharpnessEstimator;
import io.batchwise.policy.estimate.StepTimeModel;
import io.batchwise.policy.goodput.GoodputFunction;
import io.batchwise.policy.goodput.GradientNoise;
import io.batchwise.policy.goodput.StepTime;
import java.nio.DoubleBuffer;
import java.util.function.DoubleSupplier;

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
 * as fast as possible (the waiting events are learned later, not lost); only while the step times come from
 * batches of one size, which cannot tell alpha from beta, it tries a larger batch instead. Noisy gradients
 * (large B_noise) raise B*, clean ones lower it. With the curvature measured, B* believes a |G|^2 only if its
 * estimate is {@code significance} standard errors above zero: a noise scale beyond what the estimates resolve
 * counts as the largest they do ({@code window}).
 *
 * <p>B* uses the efficiency the learning rate actually gets: with the multiplier capped at {@code maxLr}
 * (default 1, never above the tuned rate; any coupling), a batch beyond the cap is worth maxLr steps at b0, so B* is at
 * most the batch where the gain reaches the cap (b0 for maxLr = 1). Uncapped, a backlog would buy large batches
 * for a progress that the capped rate never delivers.
 *
 * <p>The learning rate follows the chosen B by the configured {@link LearningRateCoupling}, capped at
 * {@code maxLr} and, where the learner measures the curvature along the gradient, at the optimal step for
 * the measured curvature and noise ({@link GradientNoise#optimalRateMultiplier}), ramped during the
 * optional warm-up. The coupling only says how a rate tuned at b0 carries over to B; the curvature cap
 * also catches a rate that was tuned for a cleaner stream than this one: on a stream whose labels are
 * mostly noise, SGD at the tuned rate and B = 1 stalls above a loss a lower rate reaches.
 */
public final class GoodputPolicy implements BatchingPolicy {
  private static final double STEP_TIME_DECAY = 0.98;

  private final GoodputConfig config;
  private final NoiseScaleEstimator noise;
  private final StepTimeModel stepTime;
  private final SharpnessEstimator sharpness;
  /**
   * The host's cost per example apart from the step (decoding, validating, the stream's own work per record),
   * decayed sums of its seconds and examples: known to scale with B, it goes straight into beta instead of
   * being fitted. Fitted, it was unidentifiable while every batch had one example, split evenly between alpha
   * and beta, and in a replay through Kafka made batching look like halving a cost it barely touches.
   */
  private double eventSeconds;
  private double eventExamples;
  /** 1 / drain in seconds: the share of the backlog to learn per second, without a division per decision. */
  private final double drainPerSecond;
  /** The latency bound in seconds, and the memory bound on B, likewise worked out once. */
  private final double latencySeconds;
  private final int memoryBatchLimit;
  /** The multiplier of the last decision: the rate the next observed batch was learned with. */
  private double lastMultiplier = 1.0;
  /**
   * The goodput model and B* as last computed, and the examples seen then. A decision at B = 1 must cost
   * well below a logistic step, and with the curvature known B* comes from a numerical search that costs
   * several steps (docs/BENCHMARKS.md has both). The estimates behind
   * them move over a window of 1000 examples, so the model is rebuilt every {@link #FUNCTION_REFRESH_EXAMPLES}
   * examples and B* recomputed every {@link #OPTIMUM_REFRESH_EXAMPLES}; larger batches refresh both each time.
   */
  private GoodputFunction function;
  private double functionAt;
  private double offlineOptimum = Double.NaN;
  private double offlineOptimumAt;
  private static final double FUNCTION_REFRESH_EXAMPLES = 16;
  private static final double OPTIMUM_REFRESH_EXAMPLES = 128;
  /**
   * The last decision before the warm-up ramp, and the model and sharpness it was worked out from: at B = 1 most
   * decisions repeat the previous one's batch, model and sharpness, and then they hand out the same record
   * instead of redoing its half-dozen divisions and allocating another.
   */
  private BatchDecision decided;
  private GoodputFunction decidedFunction;
  private double decidedSharpness;
  private double arrivalRate;
  private double examplesSeen;
  private int lastBatch;

  public GoodputPolicy(GoodputConfig config) {
    this.config = config;
    this.noise = new NoiseScaleEstimator(config.noiseWindow());
    this.stepTime = new StepTimeModel(STEP_TIME_DECAY);
    this.sharpness = new SharpnessEstimator(config.noiseWindow());
    this.drainPerSecond = 1000.0 / config.drainMillis();
    this.latencySeconds = config.latencyMillis() / 1000.0;
    this.memoryBatchLimit = config.memoryBatchLimit();
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
      if (b == 1) {
        noise.observeSingle(o.meanGradientSquaredNorm(), o.recentGradientDot());
      } else {
        noise.observe(b, o.meanExampleGradientSquaredNorm(), o.meanGradientSquaredNorm());
      }
      stepTime.observe(b, o.stepSeconds());
      if (o.eventSeconds() >= 0 && Double.isFinite(o.eventSeconds())) {
        eventSeconds = STEP_TIME_DECAY * eventSeconds + o.eventSeconds();
        eventExamples = STEP_TIME_DECAY * eventExamples + b;
      }
      sharpness.observe(b, o.stepSharpness(), lastMultiplier);
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
    StepTime step = stepTime.current();
    double perEvent = eventExamples > 0 ? eventSeconds / eventExamples : 0;
    return goodputFunction(noise.current(), new StepTime(step.alpha(), step.beta() + perEvent), sharpness.baseSharpness());
  }

  private GoodputFunction goodputFunction(GradientNoise noise, StepTime stepTime, double baseSharpness) {
    // E(B) is only compared across B, and any finite reference gives the same comparisons
    double reference = Double.isFinite(config.baseBatch()) ? config.baseBatch() : config.minBatch();
    return new GoodputFunction(noise, stepTime, reference, maxGain(config), gainExponent(config),
        config.curvature() ? baseSharpness : Double.NaN, config.noiseWindow());
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
   * cap for the sqrt and linear rules as much as for AdaScale: uncapped in the model, Adam's sqrt rule promises
   * large batches a progress the capped rate never delivers. Infinite when b0 is (a noise-free base rate has no
   * cap to reach).
   */
  static double maxGain(GoodputConfig config) {
    if (!Double.isFinite(config.baseBatch())) {
      return Double.POSITIVE_INFINITY;
    }
    return config.coupling() == LearningRateCoupling.NONE ? Math.min(1.0, config.maxLrMultiplier()) : config.maxLrMultiplier();
  }

  private GoodputFunction recentFunction() {
    if (function == null || examplesSeen - functionAt >= FUNCTION_REFRESH_EXAMPLES) {
      function = goodputFunction();
      functionAt = examplesSeen;
    }
    return function;
  }

  private BatchDecision decide(long backlog) {
    GoodputFunction f = recentFunction();
    GradientNoise g = f.noise();
    StepTime t = f.stepTime();
    int lo = config.minBatch();
    double latencyFill = backlog + arrivalRate * latencySeconds;
    int hi = (int) Math.max(lo, Math.min(memoryBatchLimit, Math.floor(Math.min(latencyFill, Integer.MAX_VALUE))));
    double needed = config.headroom() * (arrivalRate + backlog * drainPerSecond);
    int batch;
    double ramp = 1.0;
    if (examplesSeen < config.warmupExamples()) {
      batch = (int) Math.max(lo, Math.min(hi, Math.ceil(Math.min(t.keepUpBatch(needed), hi))));
      ramp = Math.min(1.0, (examplesSeen + batch) / config.warmupExamples());
    } else {
      double keepUp = t.keepUpBatch(needed);
      double arrivals = config.headroom() * arrivalRate;
      if (keepUp > hi && t.keepUpBatch(arrivals) <= hi) {
        // the backlog cannot drain within `drain`, but the arrivals are kept up with: the lag does not grow, and
        // the waiting events go in batches of B*, the most progress per second, not of the largest throughput,
        // which a replay of a wide MLP paid for in loss (docs/BENCHMARKS.md, the pipeline)
        batch = f.streamOptimum(arrivals, backlog, lo, hi, recentOfflineOptimum);
      } else {
        batch = f.streamOptimum(needed, backlog, lo, hi, recentOfflineOptimum);
        if (t.keepUpBatch(arrivals) > hi && !stepTime.identified()) {
          // no batch seems to keep up, but by a fit of steps of one size, which cannot tell the cost per update from
          // the cost per example: a larger batch is how it learns which (by its fallback they cost alike)
          batch = Math.max(batch, (int) Math.min(hi, (long) config.growth() * Math.max(1, lastBatch)));
        }
      }
    }
    if (lastBatch > 0) {
      // a trust region: the estimates behind a much larger batch come from much smaller ones
      batch = (int) Math.max(lo, Math.min(batch, (long) config.growth() * lastBatch));
    }
    double s = sharpness.baseSharpness();
    if (decided == null || batch != decided.batchSize() || f != decidedFunction || Double.compare(s, decidedSharpness) != 0) {
      double m = Math.min(config.maxLrMultiplier(), config.coupling().multiplier(batch, config.baseBatch(), g));
      if (config.curvature()) {
        m = Math.max(LearningRateCoupling.MIN_MULTIPLIER, Math.min(m, g.optimalRateMultiplier(batch, s, config.noiseWindow())));
      }
      double noiseScale = g.noiseScale();
      decided = new BatchDecision(batch, m, config.latencyMillis(), Double.isFinite(noiseScale) ? noiseScale : Double.NaN);
      decidedFunction = f;
      decidedSharpness = s;
    }
    BatchDecision d = ramp == 1.0 ? decided
        : new BatchDecision(batch, decided.learningRateMultiplier() * ramp, decided.maxWaitMillis(), decided.noiseScale());
    lastMultiplier = d.learningRateMultiplier();
    return d;
  }

  /** B* of the current model, recomputed as {@link #OPTIMUM_REFRESH_EXAMPLES} says; one object, not one per decision. */
  private final DoubleSupplier recentOfflineOptimum = this::recentOfflineOptimum;

  private double recentOfflineOptimum() {
    if (Double.isNaN(offlineOptimum) || examplesSeen - offlineOptimumAt >= OPTIMUM_REFRESH_EXAMPLES) {
      offlineOptimum = withResolvedSignal(recentFunction()).integerOptimum();
      offlineOptimumAt = examplesSeen;
    }
    return offlineOptimum;
  }

  /**
   * f with |G|^2 counted as zero where its estimate is within {@code significance} standard errors of zero: with
   * the curvature known, B_noise then counts as the window, the largest the estimates resolve. Only for B*:
   * the rate cap keeps the estimate, which tracks a drifting stream better (counting it zero there too made
   * the drifting benchmark slower at steady arrivals, batching-policy/README.md).
   */
  private GoodputFunction withResolvedSignal(GoodputFunction f) {
    GradientNoise g = f.noise();
    if (config.significance() > 0 && f.curvatureKnown()
        && !(g.gradientSquaredNorm() > config.significance() * noise.signalStandardError())) {
      return goodputFunction(new GradientNoise(g.traceCovariance(), 0), f.stepTime(), f.baseSharpness());
    }
    return f;
  }

  /**
   * The policy's state: its estimators, the arrival rate, the examples and the batch it has seen, the host's cost
   * per example, and the cached goodput model and B* with the examples seen when each was worked out, so that a
   * restored policy decides exactly as this one would.
   *
   * @param model the cached goodput model's inputs, null before the first
   */
  public record State(NoiseScaleEstimator.State noise, StepTimeModel.State stepTime, SharpnessEstimator.State sharpness,
      double arrivalRate, double examplesSeen, int lastBatch, double eventSeconds, double eventExamples,
      double lastMultiplier, CachedModel model, double modelAt, double offlineOptimum, double offlineOptimumAt)
      implements PolicyState {
    static final double TAG = 1;

    /** The inputs the cached {@link GoodputFunction} was built from. */
    public record CachedModel(GradientNoise noise, StepTime stepTime, double baseSharpness) {
    }

    @Override
    public double[] encode() {
      return PolicyState.encode(TAG, out -> {
        noise.writeTo(out);
        stepTime.writeTo(out);
        sharpness.writeTo(out);
        out.put(arrivalRate).put(examplesSeen).put(lastBatch).put(eventSeconds).put(eventExamples).put(lastMultiplier);
        out.put(model == null ? 0 : 1);
        if (model != null) {
          out.put(model.noise().traceCovariance()).put(model.noise().gradientSquaredNorm())
              .put(model.stepTime().alpha()).put(model.stepTime().beta()).put(model.baseSharpness());
        }
        out.put(modelAt).put(offlineOptimum).put(offlineOptimumAt);
      });
    }

    static State readFrom(DoubleBuffer in) {
      NoiseScaleEstimator.State noise = NoiseScaleEstimator.State.readFrom(in);
      StepTimeModel.State stepTime = StepTimeModel.State.readFrom(in);
      SharpnessEstimator.State sharpness = SharpnessEstimator.State.readFrom(in);
      double arrivalRate = in.get();
      double examplesSeen = in.get();
      int lastBatch = (int) in.get();
      double eventSeconds = in.get();
      double eventExamples = in.get();
      double lastMultiplier = in.get();
      CachedModel model = in.get() == 1
          ? new CachedModel(new GradientNoise(in.get(), in.get()), new StepTime(in.get(), in.get()), in.get())
          : null;
      return new State(noise, stepTime, sharpness, arrivalRate, examplesSeen, lastBatch, eventSeconds, eventExamples,
          lastMultiplier, model, in.get(), in.get(), in.get());
    }
  }

  @Override
  public State exportState() {
    State.CachedModel model = function == null ? null
        : new State.CachedModel(function.noise(), function.stepTime(), function.baseSharpness());
    return new State(noise.state(), stepTime.state(), sharpness.state(), arrivalRate, examplesSeen, lastBatch,
        eventSeconds, eventExamples, lastMultiplier, model, functionAt, offlineOptimum, offlineOptimumAt);
  }

  @Override
  public void restoreState(PolicyState state) {
    if (!(state instanceof State s)) {
      return;
    }
    noise.restore(s.noise());
    stepTime.restore(s.stepTime());
    sharpness.restore(s.sharpness());
    arrivalRate = s.arrivalRate();
    examplesSeen = s.examplesSeen();
    lastBatch = s.lastBatch();
    eventSeconds = s.eventSeconds();
    eventExamples = s.eventExamples();
    lastMultiplier = s.lastMultiplier();
    function = s.model() == null ? null
        : goodputFunction(s.model().noise(), s.model().stepTime(), s.model().baseSharpness());
    functionAt = s.modelAt();
    offlineOptimum = s.offlineOptimum();
    offlineOptimumAt = s.offlineOptimumAt();
  }
}
