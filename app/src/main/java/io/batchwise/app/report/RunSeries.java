package io.batchwise.app.report;

import java.util.List;
import java.util.Map;

import io.batchwise.schemas.TrainingMetrics;

/**
 * One demo run, for the report.
 *
 * @param policy  the batching policy of the run
 * @param summary the summary the demo printed
 * @param updates the run's TrainingMetrics summaries, in order
 */
public record RunSeries(String policy, Map<String, Object> summary, List<TrainingMetrics> updates) {
}
