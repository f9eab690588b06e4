package io.batchwise.learner.stream;

import io.batchwise.learner.model.StepResult;

/**
 * Test-then-train metrics of one model: every example is scored before the model learns from it
 * (the evaluation River and MOA use for streams). Keeps the all-time means and an exponentially
 * weighted recent window of about {@value #RECENT_EXAMPLES} examples.
 */
final class PrequentialScore {
  static final double RECENT_EXAMPLES = 1000;

  private double examples;
  private double lossSum;
  private double correctSum;
  private double recentLoss = Double.NaN;
  private double recentAccuracy = Double.NaN;

  PrequentialScore() {
  }

  PrequentialScore(double examples, double meanLoss, double accuracy, double recentLoss, double recentAccuracy) {
    this.examples = examples;
    this.lossSum = examples > 0 ? meanLoss * examples : 0;
    this.correctSum = examples > 0 && !Double.isNaN(accuracy) ? accuracy * examples : 0;
    this.recentLoss = recentLoss;
    this.recentAccuracy = recentAccuracy;
  }

  void add(StepResult step) {
    add(step.weightSum(), step.lossSum(), step.correctSum());
  }

  /** Examples of total weight {@code w} scored elsewhere with these loss and correct sums (a replica's), as one batch. */
  void add(double w, double batchLossSum, double batchCorrectSum) {
    if (!(w > 0)) {
      return;
    }
    examples += w;
    lossSum += batchLossSum;
    correctSum += batchCorrectSum;
    // a batch of n examples moves the average as n single-example updates would: 1 - (1 - 1/N)^n
    double alpha = 1 - Math.pow(1 - 1 / RECENT_EXAMPLES, w);
    double batchLoss = batchLossSum / w;
    double batchAccuracy = batchCorrectSum / w;
    recentLoss = Double.isNaN(recentLoss) ? batchLoss : recentLoss + alpha * (batchLoss - recentLoss);
    recentAccuracy = Double.isNaN(recentAccuracy) ? batchAccuracy : recentAccuracy + alpha * (batchAccuracy - recentAccuracy);
  }

  double examples() {
    return examples;
  }

  double meanLoss() {
    return examples > 0 ? lossSum / examples : Double.NaN;
  }

  double accuracy() {
    return examples > 0 ? correctSum / examples : Double.NaN;
  }

  double recentLoss() {
    return recentLoss;
  }

  double recentAccuracy() {
    return recentAccuracy;
  }
}
