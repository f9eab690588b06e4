package io.batchwise.bench;

import java.util.function.IntFunction;

/**
 * One workload of the policy benchmark.
 *
 * @param name        short name used on the command line
 * @param description what the stream is
 * @param modelSpec   the learner, as {@code ModelFactory.create} reads it
 * @param streams     builds variant r of the stream (lazily, so skipped scenarios cost nothing): a synthetic
 *                    stream drawn with the r-th seed, variant 0 the scenario's own; a recorded dataset ignores r
 * @param arrivalRate mean events per second of the arrival patterns
 * @param targetLoss  the prequential log loss the loss EMA must reach
 */
public record PolicyScenario(
    String name, String description, String modelSpec, IntFunction<BenchStream> streams, double arrivalRate,
    double targetLoss) {
}
