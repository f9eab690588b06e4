package io.batchwise.learner.model;

/**
 * What one test-then-train step measured. Losses and accuracy are prequential: the batch was scored
 * with the weights from before the step.
 *
 * @param batchSize                      examples in the batch
 * @param weightSum                      sum of example weights
 * @param lossSum                        weighted sum of per-example loss, scored before the step
 * @param correctSum                     weighted count of correct predictions before the step (NaN for regression)
 * @param meanExampleGradientSquaredNorm mean_i |h_i|^2 over the per-example gradients h_i = (n w_i / W) g_i + l2 W
 *                                       (w_i example weights, W their sum, g_i the gradient of example i's loss),
 *                                       whose mean is the gradient the step followed; 0 when no step was taken
 * @param meanGradientSquaredNorm        |mean_i h_i|^2, squared norm of the gradient the step followed
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
