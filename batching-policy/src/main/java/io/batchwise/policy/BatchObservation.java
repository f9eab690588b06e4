package io.batchwise.policy;

/**
 * What the learner measured for one micro-batch, handed to the policy after the update.
 *
 * @param batchSize                      examples in the batch (B)
 * @param stepSeconds                    time of the learning step (and the previous decision): a fixed cost per update and a
 *                                       cost per example, which the policy tells apart by fitting steps of several sizes
 * @param eventSeconds                   the host's time handling the batch's events apart from the step (decoding,
 *                                       validating, the stream's own work per record): known to be a cost per example
 * @param fillSeconds                    time from the batch's first event to its flush
 * @param arrivalRate                    estimated events per second arriving for this model (lambda)
 * @param backlog                        events waiting: buffered plus consumer lag where known
 * @param meanExampleGradientSquaredNorm mean over the batch of |g_i|^2
 * @param meanGradientSquaredNorm        |gbar|^2, the squared norm of the batch-mean gradient
 * @param stepSharpness                  eps h: the step's effective learning rate times the loss's curvature
 *                                       along the gradient (u'Hu / |u|^2); NaN when the learner does not
 *                                       measure it (adaptive optimizers, layered models, unprobed batches)
 * @param recentGradientDot              gbar . gbar_recent, the batch-mean gradient dotted with an average of the
 *                                       previous batches' over the last few examples: estimates |G|^2 where one
 *                                       batch cannot (B = 1); NaN when not measured
 */
public record BatchObservation(
    int batchSize,
    double stepSeconds,
    double eventSeconds,
    double fillSeconds,
    double arrivalRate,
    long backlog,
    double meanExampleGradientSquaredNorm,
    double meanGradientSquaredNorm,
    double stepSharpness,
    double recentGradientDot) {

  /** Without a curvature measurement, the host's event handling counted in the step. */
  public BatchObservation(int batchSize, double stepSeconds, double fillSeconds, double arrivalRate, long backlog,
      double meanExampleGradientSquaredNorm, double meanGradientSquaredNorm) {
    this(batchSize, stepSeconds, 0, fillSeconds, arrivalRate, backlog, meanExampleGradientSquaredNorm,
        meanGradientSquaredNorm, Double.NaN, Double.NaN);
  }
}
