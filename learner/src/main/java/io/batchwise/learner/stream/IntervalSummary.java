package io.batchwise.learner.stream;

import java.time.Instant;

import io.batchwise.learner.model.StepResult;
import io.batchwise.policy.BatchDecision;
import io.batchwise.schemas.TrainingMetrics;

/**
 * What one model's updates did since its last published summary: the next {@link TrainingMetrics} record.
 * One record per snapshot instead of one per update, which at B = 1 was a produced record per event and cost
 * the stream thread more than the learning (docs/BENCHMARKS.md, "Where the stream's time goes").
 */
final class IntervalSummary {
  private long startMillis;
  private long updates;
  private long examples;
  private int minBatch;
  private int maxBatch;
  private double learningRate;
  private double learningRateSum;
  private double lossSum;
  private double correctSum;
  private double weightSum;
  private double exampleGradientSquaredNorms;
  private double gradientSquaredNorms;
  private double stepSeconds;
  private double updateSeconds;
  private double fillSeconds;

  /** @param startMillis when the interval starts; -1: at its first event ({@link #begin}) or update */
  IntervalSummary(long startMillis) {
    this.startMillis = startMillis;
  }

  /**
   * Starts the interval now unless it has started: a model's first interval starts at its first event, not at its
   * first update, which at batch size B comes B events (and whatever the stream spent reading them) later.
   */
  void begin(long nowMillis) {
    if (startMillis < 0) {
      startMillis = nowMillis;
    }
  }

  void add(StepResult step, double stepSeconds, double updateSeconds, double fillSeconds, long nowMillis) {
    int n = step.batchSize();
    begin(nowMillis);
    minBatch = updates == 0 ? n : Math.min(minBatch, n);
    maxBatch = Math.max(maxBatch, n);
    updates++;
    examples += n;
    learningRate = step.learningRate();
    learningRateSum += step.learningRate() * n;
    lossSum += step.lossSum();
    correctSum += step.correctSum();
    weightSum += step.weightSum();
    exampleGradientSquaredNorms += step.meanExampleGradientSquaredNorm();
    gradientSquaredNorms += step.meanGradientSquaredNorm();
    this.stepSeconds += stepSeconds;
    this.updateSeconds += updateSeconds;
    this.fillSeconds += fillSeconds;
  }

  /**
   * Adds what another learner of the model did (a replica's summary of the updates in its delta): its updates and
   * examples, loss and gradient sums, batch sizes and times. The last learning rate stays this learner's.
   */
  void add(TrainingMetrics other) {
    if (other.getUpdates() == 0) {
      return;
    }
    if (startMillis < 0) {
      startMillis = other.getIntervalStart().toEpochMilli();
    }
    minBatch = updates == 0 ? other.getBatchSizeMin() : Math.min(minBatch, other.getBatchSizeMin());
    maxBatch = Math.max(maxBatch, other.getBatchSizeMax());
    if (updates == 0) {
      learningRate = other.getLearningRate();
    }
    updates += other.getUpdates();
    examples += other.getExamples();
    if (Double.isFinite(other.getLearningRateMean())) {
      learningRateSum += other.getLearningRateMean() * other.getExamples();
    }
    lossSum += other.getLossSum();
    correctSum += other.getCorrectSum();
    weightSum += other.getWeightSum();
    exampleGradientSquaredNorms += other.getMeanExampleGradientSquaredNorm() * other.getUpdates();
    gradientSquaredNorms += other.getMeanGradientSquaredNorm() * other.getUpdates();
    stepSeconds += other.getStepSeconds();
    updateSeconds += other.getUpdateSeconds();
    fillSeconds += other.getFillMillisMean() / 1000 * other.getUpdates();
  }

  boolean isEmpty() {
    return updates == 0;
  }

  /** The summary of the interval, ending now. */
  TrainingMetrics close(String modelId, long version, long nowMillis, long updatesTotal, long examplesSeen,
      BatchDecision decision, double arrivalRate, long lag, double publishSeconds) {
    return TrainingMetrics.newBuilder()
        .setModelId(modelId)
        .setVersion(version)
        .setIntervalStart(Instant.ofEpochMilli(startMillis < 0 ? nowMillis : startMillis))
        .setIntervalEnd(Instant.ofEpochMilli(nowMillis))
        .setUpdates(updates)
        .setUpdatesTotal(updatesTotal)
        .setExamples(examples)
        .setExamplesSeen(examplesSeen)
        .setBatchSizeMin(minBatch)
        .setBatchSizeMax(maxBatch)
        .setLearningRate(learningRate)
        .setLearningRateMean(examples > 0 ? learningRateSum / examples : Double.NaN)
        .setLossSum(lossSum)
        .setCorrectSum(correctSum)
        .setWeightSum(weightSum)
        .setMeanExampleGradientSquaredNorm(updates > 0 ? exampleGradientSquaredNorms / updates : Double.NaN)
        .setMeanGradientSquaredNorm(updates > 0 ? gradientSquaredNorms / updates : Double.NaN)
        .setNoiseScale(Double.isFinite(decision.noiseScale()) ? decision.noiseScale() : null)
        .setStepSeconds(stepSeconds)
        .setUpdateSeconds(updateSeconds)
        .setPublishSeconds(publishSeconds)
        .setFillMillisMean(updates > 0 ? 1000 * fillSeconds / updates : Double.NaN)
        .setArrivalRate(arrivalRate)
        .setLag(lag)
        .setNextBatchSize(decision.batchSize())
        .build();
  }
}
