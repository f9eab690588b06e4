package io.batchwise.app.bench;

import java.util.function.Supplier;

/**
 * One workload of the policy benchmark.
 *
 * @param name        short name used on the command line
 * @param description what the stream is
 * @param modelSpec   the learner, as {@code ModelFactory.create} reads it
 * @param stream      builds the stream (lazily, so skipped scenarios cost nothing)
 * @param arrivalRate mean events per second of the arrival patterns
 * @param targetLoss  the prequential log loss the loss EMA must reach
 */
public record PolicyScenario(
    String name, String description, String modelSpec, Supplier<BenchStream> stream, double arrivalRate,
    double targetLoss) {
}
