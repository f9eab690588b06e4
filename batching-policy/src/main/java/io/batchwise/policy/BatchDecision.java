package io.batchwise.policy;

/**
 * What the policy decided for the next micro-batch.
 *
 * @param batchSize              target size B of the next batch
 * @param learningRateMultiplier factor applied to the base learning rate for that batch
 * @param maxWaitMillis          flush the batch when its oldest event has waited this long
 * @param noiseScale             the current gradient-noise-scale estimate B_noise, NaN while unknown
 */
public record BatchDecision(int batchSize, double learningRateMultiplier, long maxWaitMillis, double noiseScale) {
}
