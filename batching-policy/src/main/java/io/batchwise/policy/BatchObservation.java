package io.batchwise.policy;

/**
 * What the learner measured for one micro-batch, handed to the policy after the update.
 *
 * @param batchSize                      examples in the batch (B)
 * @param stepSeconds                    time of the learning step alone
 * @param fillSeconds                    time from the batch's first event to its flush
 * @param arrivalRate                    estimated events per second arriving for this model (lambda)
 * @param backlog                        events waiting: buffered plus consumer lag where known
 * @param meanExampleGradientSquaredNorm mean over the batch of |g_i|^2
 * @param meanGradientSquaredNorm        |gbar|^2, the squared norm of the batch-mean gradient
 */
public record BatchObservation(
    int batchSize,
    double stepSeconds,
    double fillSeconds,
    double arrivalRate,
    long backlog,
    double meanExampleGradientSquaredNorm,
    double meanGradientSquaredNorm) {
}
