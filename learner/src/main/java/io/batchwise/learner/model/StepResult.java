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
 * @param stepSharpness                  eps h: the step's effective rate eps (the learning rate times the optimizer's
 *                                       {@code stepScale}) times the curvature h = u'Hu/|u|^2 of the objective along
 *                                       the previous step's gradient u; a step along the gradient overshoots
 *                                       the minimum in that direction when eps h > 2. NaN when not measured
 * @param recentGradientDot              gbar . gbar_recent, the gradient the step followed dotted with the moving
 *                                       average of the previous steps' gradients over the last few examples (8 for
 *                                       the linear models): an estimate of |G|^2 from independent examples, the only
 *                                       one a batch of one example allows, unbiased while the gradient moves little
 *                                       over those examples. NaN when not measured
 *                                       <p>Both look at the previous step, so they are NaN on a model's first step,
 *                                       also the first after a restore (the last gradient is not part of the state)
 */
public record StepResult(
    int batchSize,
    double weightSum,
    double lossSum,
    double correctSum,
    double meanExampleGradientSquaredNorm,
    double meanGradientSquaredNorm,
    double learningRate,
    double stepSharpness,
    double recentGradientDot) {

  /** Without a curvature measurement. */
  public StepResult(int batchSize, double weightSum, double lossSum, double correctSum,
      double meanExampleGradientSquaredNorm, double meanGradientSquaredNorm, double learningRate) {
    this(batchSize, weightSum, lossSum, correctSum, meanExampleGradientSquaredNorm, meanGradientSquaredNorm,
        learningRate, Double.NaN, Double.NaN);
  }
}
