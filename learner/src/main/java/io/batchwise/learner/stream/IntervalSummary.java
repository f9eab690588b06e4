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

  /** @param startMillis when the interval starts; -1: at its first update */
  IntervalSummary(long startMillis) {
    this.startMillis = startMillis;
  }

  void add(StepResult step, double stepSeconds, double updateSeconds, double fillSeconds, long nowMillis) {
    int n = step.batchSize();
    if (startMillis < 0) {
      startMillis = nowMillis;
    }
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
