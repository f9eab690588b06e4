package io.batchwise.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

import io.batchwise.learner.model.OnlineModel;
import io.batchwise.learner.model.StepResult;
import io.batchwise.learner.stream.LearnerConfig;
import io.batchwise.learner.stream.LearningLoop;
import io.batchwise.policy.BatchingPolicy;

/**
 * Streams a dataset through the deployed learning loop ({@link LearningLoop}, as the Kafka Streams processor
 * drives it) on a virtual clock: events arrive at the times of an arrival pattern; the thread takes each in turn
 * once it has arrived and the thread is free, and charges it the stream's cost per event ({@link StreamCosts});
 * a batch is learned when the policy's size is reached, or at a punctuation once its oldest event has waited the
 * max wait; a snapshot is published at a punctuation when one is due, for the cost of a publication. Learning
 * steps advance the clock by their measured wall time (the policy's decision included), so compute is real while
 * waiting costs nothing to run. The loop hears the lag (events arrived but not yet taken) and the rate the input
 * grows at, as the processor does from the brokers.
 */
public final class VirtualClockRun {
  /** The window over which the input's append rate is counted, as {@code InputLag} counts it. */
  private static final double APPEND_WINDOW_SECONDS = 0.2;
  /** {@code snapshot.max.time.share} at its default. */
  private static final double MAX_PUBLISH_SHARE = (Double) LearnerConfig.DEFINITION.defaultValues()
      .get(LearnerConfig.SNAPSHOT_MAX_TIME_SHARE);

  /** Examples the loss EMA spans; the target counts only once this many have been seen. */
  private final int lossWindow;
  private final StreamCosts costs;
  /** Times the steps: the wall clock, or in tests a clock that ticks a known amount per reading. */
  private final LongSupplier stepClock;

  public VirtualClockRun(int lossWindow, StreamCosts costs) {
    this(lossWindow, costs, System::nanoTime);
  }

  VirtualClockRun(int lossWindow, StreamCosts costs, LongSupplier stepClock) {
    this.lossWindow = lossWindow;
    this.costs = costs;
    this.stepClock = stepClock;
  }

  public PolicyRunResult run(String scenario, BenchStream stream, double[] arrivals, String patternName,
      OnlineModel model, BatchingPolicy policy, String policyLabel, double targetLoss) {
    return run(scenario, stream, arrivals, patternName, model, policy, policyLabel, targetLoss, null);
  }

  /** As above; when {@code trace} is given, appends one CSV line per step to it. */
  public PolicyRunResult run(String scenario, BenchStream stream, double[] arrivals, String patternName,
      OnlineModel model, BatchingPolicy policy, String policyLabel, double targetLoss, StringBuilder trace) {
    return new Run(stream, arrivals, new LearningLoop(scenario, model, policy), targetLoss, trace)
        .execute(scenario, patternName, policyLabel);
  }

  /** The state of one run. */
  private final class Run {
    private final BenchStream stream;
    private final double[] arrivals;
    private final LearningLoop loop;
    private final double targetLoss;
    private final StringBuilder trace;
    private final int n;
    private final double[] row;
    private final double decay = 1.0 - 1.0 / lossWindow;
    private final List<long[]> published = new ArrayList<>();  // {examplesSeen, time in microseconds}
    private double clock;
    private int taken;
    /** The events taken by the last punctuation: none since means the input is idle. */
    private int takenAtPunctuation;
    private int batchStart;
    private double lossMoment;
    private double lossPower = 1;
    private double secondsToTarget = Double.NaN;
    private long examplesToTarget = -1;
    private double tailLoss;
    private double tailWeight;
    private double lastLearned;
    private double compute;

    Run(BenchStream stream, double[] arrivals, LearningLoop loop, double targetLoss, StringBuilder trace) {
      this.stream = stream;
      this.arrivals = arrivals;
      this.loop = loop;
      this.targetLoss = targetLoss;
      this.trace = trace;
      this.n = stream.size();
      this.row = new double[stream.featureCount()];
    }

    PolicyRunResult execute(String scenario, String patternName, String policyLabel) {
      long punctuations = 1;  // the k-th punctuation at k * punctuate.interval.ms, counted, not summed, so times stay exact
      while (taken < n || loop.pending() > 0 || loop.hasUnpublishedChanges()) {
        double nextEvent = taken < n ? Math.max(arrivals[taken], clock) : Double.POSITIVE_INFINITY;
        double nextPunctuation = punctuations * costs.punctuateMillis() / 1000.0;
        if (nextPunctuation <= nextEvent) {
          clock = Math.max(clock, nextPunctuation);
          punctuate();
          punctuations++;
          if (loop.pending() == 0 && Double.isFinite(nextEvent)
              && !loop.publishDue(nanos(nextEvent), costs.snapshotIntervalMillis(), 0, MAX_PUBLISH_SHARE, true)) {
            // nothing can happen before the next event: skip the idle punctuations
            punctuations = Math.max(punctuations, (long) Math.floor(nextEvent * 1000 / costs.punctuateMillis()));
          }
          continue;
        }
        clock = nextEvent + costs.eventSeconds();
        stream.features(taken, row);
        loop.add(row, stream.label(taken), 1.0, taken, (long) Math.floor(arrivals[taken] * 1000), nanos(clock));
        loop.addEventCost((long) (costs.processorEventSeconds() * 1e9));
        taken++;
        if (loop.batchFull()) {
          step();
        }
      }
      long[] stale = Staleness.perEvent(appendMicros(), published);
      double meanStaleness = Arrays.stream(stale).average().orElse(Double.NaN) / 1000.0;
      long updates = loop.updates();
      return new PolicyRunResult(scenario, patternName, policyLabel, targetLoss, secondsToTarget, examplesToTarget,
          tailLoss / Math.max(tailWeight, 1e-300), loop.meanLoss(), meanStaleness, updates,
          n / (double) Math.max(1, updates), lastLearned, published.isEmpty() ? Double.NaN
          : published.get(published.size() - 1)[1] / 1e6, compute);
    }

    private void punctuate() {
      boolean inputIdle = taken == takenAtPunctuation;
      takenAtPunctuation = taken;
      if (loop.waitedTooLong(nanos(clock))) {
        step();
      }
      if (loop.publishDue(nanos(clock), costs.snapshotIntervalMillis(), 0, MAX_PUBLISH_SHARE, inputIdle)) {
        loop.nextVersion(nanos(clock));
        loop.closeInterval((long) (clock * 1000), lag());
        clock += costs.publishSeconds();
        loop.publishCost((long) (costs.publishSeconds() * 1e9));
        published.add(new long[] {loop.examplesSeen(), Math.round(clock * 1e6)});
      }
    }

    private void step() {
      int first = batchStart;
      loop.limitArrivalRate(appendRate());
      long started = stepClock.getAsLong();
      StepResult step = loop.step(nanos(clock), lag());
      double seconds = (stepClock.getAsLong() - started) * 1e-9;
      compute += seconds;
      clock += seconds + costs.updateSeconds();
      batchStart = taken;
      lastLearned = clock;
      double batchLoss = step.lossSum() / Math.max(step.weightSum(), 1e-300);
      double tailStart = 0.9 * n;
      if (taken > tailStart) {
        // the share of this batch that lies in the tail (a large batch can straddle its start)
        double share = (taken - Math.max(first, tailStart)) / (taken - first);
        tailLoss += share * step.lossSum();
        tailWeight += share * step.weightSum();
      }
      double keep = Math.pow(decay, step.batchSize());
      lossMoment = keep * lossMoment + (1 - keep) * batchLoss;
      lossPower *= keep;
      double ema = lossMoment / (1 - lossPower);
      if (trace != null) {
        trace.append(String.format(Locale.ROOT, "%.6f,%d,%d,%.6g,%.6g,%d,%.6g,%.6g,%.6g%n", clock, taken,
            step.batchSize(), step.learningRate(), loop.decision().noiseScale(), lag(), batchLoss, ema, seconds));
      }
      if (examplesToTarget < 0 && taken >= lossWindow && ema <= targetLoss) {
        examplesToTarget = taken;
        secondsToTarget = clock;
      }
    }

    /** Events in the input after the last one taken: arrived, not yet handled (the consumer lag). */
    private long lag() {
      return Math.max(0, arrivedBy(clock) - taken);
    }

    /** Events appended over the last window per second: zero once nothing arrives, as in a replay. */
    private double appendRate() {
      return (arrivedBy(clock) - arrivedBy(clock - APPEND_WINDOW_SECONDS)) / APPEND_WINDOW_SECONDS;
    }

    private int arrivedBy(double time) {
      int index = Arrays.binarySearch(arrivals, time);
      if (index < 0) {
        return -index - 1;
      }
      while (index + 1 < arrivals.length && arrivals[index + 1] == time) {
        index++;
      }
      return index + 1;
    }

    private long[] appendMicros() {
      long[] micros = new long[n];
      for (int i = 0; i < n; i++) {
        micros[i] = Math.round(arrivals[i] * 1e6);
      }
      return micros;
    }
  }

  private static long nanos(double seconds) {
    return (long) (seconds * 1e9);
  }
}
