package io.batchwise.policy;

import io.batchwise.policy.estimate.NoiseScaleEstimator;
import io.batchwise.policy.goodput.GradientNoise;
import java.nio.DoubleBuffer;
import java.util.List;
import java.util.Locale;

/**
 * Byrd et al.'s norm test (2012, "Sample size selection in optimization methods for machine learning"):
 * a batch is large enough when the variance of its mean gradient is at most theta^2 times the squared
 * gradient norm, tr(Sigma)/B <= theta^2 |G|^2, so the next batch is B = B_noise / theta^2. It ignores
 * step time and arrivals; it is here as the measured alternative to {@link GoodputPolicy}.
 * Spec {@code normtest:theta=0.9,min=2,max=4096,latency=500ms,lr=adascale,b0=1,maxLr=1,window=1000} (b0 and lr default by
 * optimizer as for goodput).
 *
 * @see GoodputConfig for the shared keys; {@code min} defaults to 2 here, because a batch of one example
 *     carries no variance information and the test could never leave it
 */
public final class NormTestPolicy implements BatchingPolicy {
  static final List<String> KEYS = List.of("theta", "min", "max", "latency", "lr", "b0", "maxLr", "window", "optimizer");

  private final double theta;
  private final int minBatch;
  private final int maxBatch;
  private final long latencyMillis;
  private final LearningRateCoupling coupling;
  private final double baseBatch;
  private final double maxLrMultiplier;
  private final double window;
  private final NoiseScaleEstimator noise;

  public NormTestPolicy(double theta, int minBatch, int maxBatch, long latencyMillis, LearningRateCoupling coupling,
      double baseBatch, double maxLrMultiplier, double window) {
    if (!(theta > 0) || minBatch < 1 || maxBatch < minBatch || !(baseBatch > 0) || !(maxLrMultiplier > 0)) {
      throw new IllegalArgumentException("need theta > 0, 1 <= min <= max, b0 > 0 and maxLr > 0");
    }
    this.theta = theta;
    this.minBatch = minBatch;
    this.maxBatch = maxBatch;
    this.latencyMillis = latencyMillis;
    this.coupling = coupling;
    this.baseBatch = baseBatch;
    this.maxLrMultiplier = maxLrMultiplier;
    this.window = window;
    this.noise = new NoiseScaleEstimator(window);
  }

  static NormTestPolicy parse(String arguments, long maxWaitMillis, String optimizer) {
    SpecArguments a = new SpecArguments("normtest:" + arguments, arguments, KEYS);
    String lr = a.text("lr", null);
    OptimizerFamily family = OptimizerFamily.of(a.text("optimizer", optimizer));
    return new NormTestPolicy(a.real("theta", 0.9), a.integer("min", 2), a.integer("max", 4096),
        a.millis("latency", maxWaitMillis), lr == null ? family.coupling() : LearningRateCoupling.parse(lr),
        a.real("b0", family.baseBatch()), a.real("maxLr", 1), a.real("window", 1000));
  }

  @Override
  public String spec() {
    return String.format(Locale.ROOT, "normtest:theta=%s,min=%d,max=%d,latency=%dms,lr=%s,b0=%s,maxLr=%s,window=%s",
        SpecNumbers.format(theta), minBatch, maxBatch, latencyMillis, coupling.name().toLowerCase(Locale.ROOT),
        SpecNumbers.format(baseBatch), SpecNumbers.format(maxLrMultiplier), SpecNumbers.format(window));
  }

  @Override
  public BatchDecision initial() {
    return decide();
  }

  @Override
  public BatchDecision next(BatchObservation o) {
    noise.observe(o.batchSize(), o.meanExampleGradientSquaredNorm(), o.meanGradientSquaredNorm());
    return decide();
  }

  private BatchDecision decide() {
    GradientNoise g = noise.current();
    double noiseScale = g.noiseScale();
    double wanted = Double.isNaN(noiseScale) ? minBatch : Math.ceil(noiseScale / (theta * theta));
    int batch = (int) Math.max(minBatch, Math.min(maxBatch, wanted));
    double multiplier = Math.min(maxLrMultiplier, coupling.multiplier(batch, baseBatch, g));
    return new BatchDecision(batch, multiplier, latencyMillis, Double.isFinite(noiseScale) ? noiseScale : Double.NaN);
  }

  /** The norm test's state: its noise estimator's. */
  public record State(NoiseScaleEstimator.State noise) implements PolicyState {
    static final double TAG = 2;

    @Override
    public double[] encode() {
      return PolicyState.encode(TAG, noise::writeTo);
    }

    static State readFrom(DoubleBuffer in) {
      return new State(NoiseScaleEstimator.State.readFrom(in));
    }
  }

  @Override
  public State exportState() {
    return new State(noise.state());
  }

  @Override
  public void restoreState(PolicyState state) {
    if (state instanceof State s) {
      noise.restore(s.noise());
    }
  }
}
