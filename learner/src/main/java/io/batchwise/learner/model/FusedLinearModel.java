package io.batchwise.learner.model;

import io.batchwise.learner.loss.LossKind;
import io.batchwise.learner.optim.Optimizer;
import java.util.List;

/**
 * A linear model trained by one fused plain-Java pass per batch: the pass scores each example with the
 * parameters from before the step, accumulates the weighted gradient sum and the per-example gradient
 * norms, and collects the standardizer's batch sums; then the optimizer takes one step and the
 * standardizer folds the batch in. Subclasses supply the pass over their own parameter layout; the
 * learn flow, the L2 terms and the parameter vector are the same for all of them.
 *
 * <p>Parameters: the weights first ({@code weightCount} of them, L2-penalized), then the biases.
 */
public abstract class FusedLinearModel implements DifferentiableModel {
  /**
   * One example in this many is probed for the curvature along the last step's gradient ({@link
   * StepResult#stepSharpness}), counted across batches so that batches of one are probed too. A probe is
   * one more dot product in the pass, on a row already standardized; the policy averages the probes over
   * its window of examples.
   */
  static final int CURVATURE_PROBE_STRIDE = 16;
  private final String spec;
  protected final int d;
  protected final Optimizer optimizer;
  /** null for raw features. */
  protected final Standardizer standardizer;
  protected final double l2;
  private final int weightCount;
  protected final double[] theta;
  protected final double[] gradient;
  /**
   * A group of up to {@link DenseKernels#GROUP} standardized examples, each at offset 0 of its own
   * buffer: HotSpot C2 (JDK 17) vectorizes loops over several double[] only when their indices agree.
   */
  protected final double[][] rows;
  /**
   * The gradient of the last step: the direction the next batch's curvature probe looks along (the
   * previous gradient rather than this batch's, so the direction does not depend on the examples probed).
   */
  protected final double[] lastGradient;
  /**
   * The examples the recent-gradient average spans: {@link StepResult#recentGradientDot} is this step's gradient
   * dotted with it. Its pairs of independent examples make the estimate of |G|^2 at B = 1 about 2K - 1 = 15 times
   * less noisy than the last gradient alone (the sum of the squared weights of a moving average over K
   * examples is 1 / (2K - 1)); K stays short because consecutive records of a real stream are correlated, and
   * an average over more of them lags (on elec longer averages raised the policy's loss).
   */
  static final int RECENT_GRADIENT_EXAMPLES = 8;
  private static final double RECENT_GRADIENT_KEEP = 1 - 1.0 / RECENT_GRADIENT_EXAMPLES;
  /** The moving average of the steps' gradients, per example, not bias-corrected; its weight sum beside it. */
  private final double[] recentGradient;
  private double recentWeight;
  /** |u|^2 and |u_w|^2 of {@link #lastGradient}, the weights' part of the latter. */
  private double lastGradientSq;
  private double lastWeightsSq;
  private boolean hasLastGradient;
  /** By-products of the last {@link #finishGradient}: |g_w|^2 and g . the recent-gradient average. */
  private double finishedWeightsSq;
  private double finishedRecentDot;
  private long examplesLearned;
  /** During a learning pass: the index of the next example to probe; MAX_VALUE when none is. */
  protected int nextProbe = Integer.MAX_VALUE;
  private double probeSum;
  private double probeWeight;

  // results of the last pass
  private double weightSum;
  private double lossSum;
  private double correctSum;
  private double weightedExampleGradientSquares;

  FusedLinearModel(String spec, int featureCount, int weightCount, int parameterCount, Optimizer optimizer,
      Standardizer standardizer, double l2) {
    this.spec = spec;
    this.d = featureCount;
    this.weightCount = weightCount;
    this.optimizer = optimizer;
    this.standardizer = standardizer;
    this.l2 = l2;
    this.theta = new double[parameterCount];
    this.gradient = new double[parameterCount];
    this.rows = new double[DenseKernels.GROUP][featureCount];
    this.lastGradient = new double[parameterCount];
    this.recentGradient = new double[parameterCount];
  }

  /** The buffered row, label and weight: the fused pass streams the rows in groups of four and keeps nothing per example. */
  @Override
  public long bytesPerExample() {
    return Double.BYTES * (d + 2L);
  }

  /**
   * Scores the batch with the current parameters, writes the weighted gradient sum (not yet divided
   * by the weight sum, no penalty) into {@link #gradient} and ends with {@link #passResult}.
   *
   * @param observe whether the standardizer collects the batch's sums (learning) or not (evaluating)
   */
  protected abstract void pass(MicroBatch batch, boolean observe);

  /** {@code l2/2 |W|^2} over the weights. */
  protected abstract double penalty();

  /**
   * Called by the pass for example {@link #nextProbe}: its weight, the loss's curvature l''(z) at it, and
   * {@code along} = u . s(x) + u_b for u = {@link #lastGradient}, so that l''(z) along^2 is the example's
   * Hessian along u.
   */
  protected final void probed(double weight, double curvature, double along) {
    probeSum += weight * curvature * along * along;
    probeWeight += weight;
    nextProbe += CURVATURE_PROBE_STRIDE;
  }

  /** Whether the model counts correct predictions; else the step reports NaN for them. */
  protected abstract boolean classifies();

  /** Records the sums of the pass just run. */
  protected final void passResult(double weightSum, double lossSum, double correctSum,
      double weightedExampleGradientSquares) {
    this.weightSum = weightSum;
    this.lossSum = lossSum;
    this.correctSum = correctSum;
    this.weightedExampleGradientSquares = weightedExampleGradientSquares;
  }

  /**
   * Copies examples {@code first .. first+count)} of {@code x} (at most {@link DenseKernels#GROUP})
   * into {@link #rows}, standardized if the model standardizes.
   */
  protected final void loadRows(double[] x, int first, int count, double[] weights, boolean observe) {
    for (int k = 0; k < count; k++) {
      int off = (first + k) * d;
      if (standardizer == null) {
        System.arraycopy(x, off, rows[k], 0, d);
      } else if (observe) {
        standardizer.standardizeAndObserve(x, off, weights[first + k], rows[k], 0);
      } else {
        standardizer.standardize(x, off, rows[k], 0);
      }
    }
  }

  /** The raw features of one prediction, checked and standardized if the model standardizes. */
  protected final double[] standardized(double[] features) {
    if (features.length != d) {
      throw new IllegalArgumentException("expected " + d + " features, got " + features.length);
    }
    double[] s = features;
    if (standardizer != null) {
      s = new double[d];
      standardizer.standardize(features, 0, s, 0);
    }
    return s;
  }

  @Override
  public int featureCount() {
    return d;
  }

  @Override
  public double baseLearningRate() {
    return optimizer.baseLearningRate();
  }

  @Override
  public StepResult learn(MicroBatch batch, double learningRateMultiplier) {
    checkBatch(batch);
    int n = batch.size();
    double rate = optimizer.baseLearningRate() * learningRateMultiplier;
    int first = (int) ((CURVATURE_PROBE_STRIDE - examplesLearned % CURVATURE_PROBE_STRIDE) % CURVATURE_PROBE_STRIDE);
    examplesLearned += n;
    boolean probing = hasLastGradient && Double.isFinite(optimizer.stepScale());
    nextProbe = probing ? first : Integer.MAX_VALUE;
    probeSum = 0;
    probeWeight = 0;
    pass(batch, true);
    nextProbe = Integer.MAX_VALUE;
    double correct = classifies() ? correctSum : Double.NaN;
    if (n == 0 || !(weightSum > 0)) {
      if (standardizer != null) {
        standardizer.discardBatch();
      }
      return new StepResult(n, weightSum, lossSum, correct, 0.0, 0.0, rate);
    }
    double meanGradSq = finishGradient();
    // per-example gradients h_i = (n w_i / W) g_i + l2 w, so that mean_i h_i is the gradient stepped on
    double scale = n / weightSum;
    double dataGradDotReg = 0;
    double regSq = 0;
    if (l2 > 0) {
      for (int j = 0; j < weightCount; j++) {
        double r = l2 * theta[j];
        dataGradDotReg += (gradient[j] - r) * r;
        regSq += r * r;
      }
    }
    double meanExampleSq = scale * scale * weightedExampleGradientSquares / n + 2 * dataGradDotReg + regSq;
    double sharpness = stepSharpness(rate);
    double recentDot = hasLastGradient ? finishedRecentDot : Double.NaN;
    optimizer.step(theta, gradient, rate, n);
    if (standardizer != null) {
      standardizer.commitBatch();
    }
    System.arraycopy(gradient, 0, lastGradient, 0, gradient.length);
    rememberGradient(n);
    lastGradientSq = meanGradSq;
    lastWeightsSq = finishedWeightsSq;
    hasLastGradient = true;
    return new StepResult(n, weightSum, lossSum, correct, meanExampleSq, meanGradSq, rate, sharpness,
        recentDot);
  }

  /** Folds the step's gradient into the recent-gradient average, with the weight of its n examples. */
  private void rememberGradient(int n) {
    double keep = n == 1 ? RECENT_GRADIENT_KEEP : Math.pow(RECENT_GRADIENT_KEEP, n);
    double[] g = gradient;
    double[] m = recentGradient;
    for (int j = 0; j < m.length; j++) {
      m[j] = keep * m[j] + (1 - keep) * g[j];
    }
    recentWeight = keep * recentWeight + (1 - keep);
  }

  /**
   * eps h for this step: the effective rate times u'Hu / |u|^2 along the previous step's gradient u, with
   * u'Hu = mean over the probed examples of w_i l''(z_i) (u . s(x_i) + u_b)^2, plus l2 |u_w|^2.
   * NaN when no example of the batch was probed.
   */
  private double stepSharpness(double rate) {
    if (!(probeWeight > 0) || !(lastGradientSq > 0)) {
      return Double.NaN;
    }
    return rate * optimizer.stepScale() * (probeSum / probeWeight + l2 * lastWeightsSq) / lastGradientSq;
  }

  /** Turns the summed gradient into the objective's gradient; returns its squared norm. */
  private double finishGradient() {
    double inv = 1.0 / weightSum;
    double[] g = gradient;
    double[] w = theta;
    // weights then biases in separate loops, which vectorize without a per-entry branch
    for (int j = 0; j < weightCount; j++) {
      g[j] = g[j] * inv + l2 * w[j];
    }
    for (int j = weightCount; j < g.length; j++) {
      g[j] *= inv;
    }
    double weightsSq = DenseKernels.dot(g, 0, g, 0, weightCount);
    finishedWeightsSq = weightsSq;
    finishedRecentDot = recentWeight > 0 ? DenseKernels.dot(g, 0, recentGradient, 0, g.length) / recentWeight : Double.NaN;
    return weightsSq + DenseKernels.dot(g, weightCount, g, weightCount, g.length - weightCount);
  }

  private void checkBatch(MicroBatch batch) {
    if (batch.featureCount() != d) {
      throw new IllegalArgumentException("batch has " + batch.featureCount() + " features, model " + d);
    }
  }

  @Override
  public int parameterCount() {
    return theta.length;
  }

  @Override
  public double[] parameters() {
    return theta.clone();
  }

  @Override
  public void setParameters(double[] parameters) {
    if (parameters.length != theta.length) {
      throw new IllegalArgumentException("expected " + theta.length + " parameters, got " + parameters.length);
    }
    System.arraycopy(parameters, 0, theta, 0, theta.length);
  }

  @Override
  public void setStandardizer(ModelState.Standardization state) {
    if (standardizer != null && state != null) {
      standardizer.load(state);
    }
  }

  @Override
  public double objective(MicroBatch batch) {
    checkBatch(batch);
    pass(batch, false);
    return lossSum / weightSum + penalty();
  }

  @Override
  public double gradient(MicroBatch batch, double[] out) {
    checkBatch(batch);
    pass(batch, false);
    finishGradient();
    System.arraycopy(gradient, 0, out, 0, theta.length);
    return lossSum / weightSum + penalty();
  }

  /** The snapshot of this model: its one dense layer, parameters, optimizer slots and feature statistics. */
  protected final ModelState exportState(String kind, Layer layer, LossKind lossName) {
    return new ModelState(spec, kind, d, layer.outputs(), List.of(layer), lossName,
        theta.clone(), optimizer.spec(), optimizer.steps(), optimizer.exportState(),
        standardizer == null ? null : standardizer.exportState());
  }

  /** Loads exported parameters and optimizer slots into this freshly built model. */
  void importState(ModelState state) {
    setParameters(state.parameters());
    optimizer.importState(state.optimizerSteps(), state.optimizerState());
  }
}
