package io.batchwise.learner.model;

/**
 * What one test-then-train step measured. Losses and accuracy are prequential: the batch was scored
 * with the weights from before the step.
 *
 * @param batchSize                      examples in the batch
 * @param weightSum                      sum of example weights
 * @param lossSum                        weighted sum of per-example loss, scored before the step
 * @param correctSum                     weighted count of correct predictions before the step (NaN for regression)
 * @param meanExampleGradientSquaredNorm mean_i |g_i|^2 of the per-example loss gradients
 * @param meanGradientSquaredNorm        |gbar|^2, squared norm of the mean gradient
 * @param learningRate                   the learning rate the step used
 */
public record StepResult(
    int batchSize,
    double weightSum,
    double lossSum,
    double correctSum,
    double meanExampleGradientSquaredNorm,
    double meanGradientSquaredNorm,
    double learningRate) {
}
