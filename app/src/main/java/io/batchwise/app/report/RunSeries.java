package io.batchwise.app.report;

import java.util.List;
import java.util.Map;

import io.batchwise.schemas.TrainingMetrics;

/**
 * One demo run, for the report.
 *
 * @param policy  the batching policy of the run, as it was asked for
 * @param summary the summary the demo printed
 * @param updates the run's TrainingMetrics summaries, in order
 */
public record RunSeries(String policy, Map<String, Object> summary, List<TrainingMetrics> updates) {
  private static final int LONGEST_LABEL = 24;

  /** What charts and tables call the run: the policy as asked for, or its name alone when that is long. */
  public String label() {
    return label(policy);
  }

  /** What charts, tables and the dashboard call a run of this policy. */
  public static String label(String policy) {
    if (policy.length() <= LONGEST_LABEL) {
      return policy;
    }
    int colon = policy.indexOf(':');
    return colon > 0 ? policy.substring(0, colon) + " (custom)" : policy.substring(0, LONGEST_LABEL) + "...";
  }
}
