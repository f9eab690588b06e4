package io.batchwise.bench;

import io.batchwise.learner.model.MicroBatch;
import io.batchwise.learner.model.OnlineModel;
import io.batchwise.learner.model.StepResult;
import io.batchwise.policy.BatchDecision;
import io.batchwise.policy.BatchObservation;
import io.batchwise.policy.BatchingPolicy;
import io.batchwise.policy.estimate.ArrivalRateEstimator;

/**
 * Streams a dataset through a real model under one policy, on a virtual clock: events arrive at the
 * times of an {@link ArrivalPattern}; the learner takes a batch when the policy's size is reached or
 * its oldest event has waited the max wait, never before it has finished the previous step; each step
 * advances the clock by the measured wall time of {@code learn()} plus the policy's own decision, so
 * compute costs are real while waiting costs nothing to run. The step time the policy observes is the
 * same per-update cost: {@code learn()} plus the previous decision.
 */
public final class VirtualClockRun {
  /** Examples the loss EMA spans; the target counts only once this many have been seen. */
  private final int lossWindow;
  private final double arrivalTimeConstantSeconds;

  public VirtualClockRun(int lossWindow, double arrivalTimeConstantSeconds) {
    this.lossWindow = lossWindow;
    this.arrivalTimeConstantSeconds = arrivalTimeConstantSeconds;
  }

  public PolicyRunResult run(String scenario, BenchStream stream, double[] arrivals, String patternName,
      OnlineModel model, BatchingPolicy policy, String policyLabel, double targetLoss) {
    return run(scenario, stream, arrivals, patternName, model, policy, policyLabel, targetLoss, null);
  }

  /** As above; when {@code trace} is given, appends one CSV line per step to it. */
  public PolicyRunResult run(String scenario, BenchStream stream, double[] arrivals, String patternName,
      OnlineModel model, BatchingPolicy policy, String policyLabel, double targetLoss, StringBuilder trace) {
    int n = stream.size();
    int d = stream.featureCount();
    double[] row = new double[d];
    MicroBatch batch = new MicroBatch(d, 64);
    // counted over at least 100 ms, as the learner counts its arrivals (LearningLoop)
    ArrivalRateEstimator arrivalRate = new ArrivalRateEstimator(arrivalTimeConstantSeconds, 0.1);
    arrivalRate.record(0, 0.0);
    int arrived = 0; // events with arrival time <= the clock, counted into the rate estimate
    while (arrived < n && arrivals[arrived] <= 0) {
      arrived++;
    }
    double decay = 1.0 - 1.0 / lossWindow;
    double lossMoment = 0;
    double lossPower = 1;
    double secondsToTarget = Double.NaN;
    long examplesToTarget = -1;
    double tailStart = 0.9 * n;
    double tailLoss = 0;
    double tailWeight = 0;
    double totalLoss = 0;
    double totalWeight = 0;
    double staleness = 0;
    double compute = 0;
    long updates = 0;
    double clock = 0;
    BatchDecision decision = policy.initial();
    double decisionSeconds = 0; // what the last decision cost: part of the learner's time per update
    int next = 0;
    while (next < n) {
      int want = Math.max(1, decision.batchSize());
      int last = Math.min(next + want, n) - 1;
      double deadline = arrivals[next] + decision.maxWaitMillis() / 1000.0;
      double close = Math.max(clock, Math.min(arrivals[last], deadline));
      int end = next;
      batch.clear();
      while (end <= last && arrivals[end] <= close) {
        stream.features(end, row);
        batch.add(row, stream.label(end), 1.0);
        end++;
      }
      long started = System.nanoTime();
      StepResult step = model.learn(batch, decision.learningRateMultiplier());
      double learnSeconds = (System.nanoTime() - started) * 1e-9;
      double ready = close + learnSeconds;
      int newlyArrived = 0;
      while (arrived < n && arrivals[arrived] <= ready) {
        arrived++;
        newlyArrived++;
      }
      arrivalRate.record(newlyArrived, ready);
      long backlog = Math.max(0, arrived - end);
      BatchObservation observation = new BatchObservation(batch.size(), learnSeconds + decisionSeconds, close - arrivals[next],
          arrivalRate.rate(ready), backlog, step.meanExampleGradientSquaredNorm(), step.meanGradientSquaredNorm(),
          step.stepSharpness(), step.recentGradientDot());
      long deciding = System.nanoTime();
      decision = policy.next(observation);
      long decided = System.nanoTime();
      decisionSeconds = (decided - deciding) * 1e-9;
      double stepSeconds = (decided - started) * 1e-9;
      compute += stepSeconds;
      clock = close + stepSeconds;
      updates++;
      for (int i = next; i < end; i++) {
        staleness += clock - arrivals[i];
      }
      double batchLoss = step.lossSum() / Math.max(step.weightSum(), 1e-300);
      totalLoss += step.lossSum();
      totalWeight += step.weightSum();
      if (end > tailStart) {
        // the share of this batch that lies in the tail (a large batch can straddle its start)
        double share = (end - Math.max(next, tailStart)) / (end - next);
        tailLoss += share * step.lossSum();
        tailWeight += share * step.weightSum();
      }
      double keep = Math.pow(decay, batch.size());
      lossMoment = keep * lossMoment + (1 - keep) * batchLoss;
      lossPower *= keep;
      double ema = lossMoment / (1 - lossPower);
      if (trace != null) {
        trace.append(String.format(java.util.Locale.ROOT, "%.6f,%d,%d,%.6g,%.6g,%d,%.6g,%.6g,%.6g,%.6g%n", clock, end, batch.size(),
            step.learningRate(), decision.noiseScale(), backlog, batchLoss, ema, stepSeconds, decisionSeconds));
      }
      if (examplesToTarget < 0 && end >= lossWindow && ema <= targetLoss) {
        examplesToTarget = end;
        secondsToTarget = clock;
      }
      next = end;
    }
    return new PolicyRunResult(scenario, patternName, policyLabel, targetLoss, secondsToTarget, examplesToTarget,
        tailLoss / Math.max(tailWeight, 1e-300), totalLoss / Math.max(totalWeight, 1e-300),
        1000 * staleness / n, updates, n / (double) updates, clock, compute);
  }
}
