package io.batchwise.app;

import java.util.LinkedHashMap;
import java.util.Map;

import io.batchwise.schemas.ModelSnapshot;

/** The human-facing fields of a snapshot (not its parameters), for JSON output. */
public final class SnapshotSummary {
  private SnapshotSummary() {
  }

  public static Map<String, Object> of(ModelSnapshot s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("modelId", s.getModelId());
    m.put("version", s.getVersion());
    m.put("createdAt", s.getCreatedAt().toString());
    m.put("examplesSeen", s.getExamplesSeen());
    m.put("updates", s.getUpdates());
    m.put("model", s.getArchitecture().getSpec());
    m.put("featureCount", s.getArchitecture().getFeatureCount());
    m.put("parameters", s.getParameters().size());
    m.put("optimizer", s.getOptimizer().getSpec());
    m.put("batchingPolicy", s.getBatchingPolicy());
    m.put("batchSize", s.getBatchSize());
    m.put("learningRate", s.getLearningRate());
    m.put("prequentialLogLoss", finiteOrNull(s.getMetrics().getLogLoss()));
    m.put("accuracy", finiteOrNull(s.getMetrics().getAccuracy()));
    m.put("recentLogLoss", finiteOrNull(s.getMetrics().getRecentLogLoss()));
    m.put("recentAccuracy", finiteOrNull(s.getMetrics().getRecentAccuracy()));
    m.put("deadLetters", s.getDeadLetters());
    return m;
  }

  private static Double finiteOrNull(double value) {
    return Double.isFinite(value) ? value : null;
  }
}
