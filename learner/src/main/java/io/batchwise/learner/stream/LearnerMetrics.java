package io.batchwise.learner.stream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.MeasurableStat;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Rate;
import org.apache.kafka.common.metrics.stats.Value;
import org.apache.kafka.streams.StreamsMetrics;

import io.batchwise.schemas.TrainingMetrics;

/**
 * The learner's own metrics, per model, registered in Kafka Streams' metrics registry (so JMX, any configured
 * metrics reporter and {@code learn}'s {@code /metrics} see them) under group {@value #GROUP}, tagged with the
 * task id and the model id ({@code model-id}); dead letters also with their reason's class ({@code reason}).
 * A task's sensors go with it when it closes.
 */
final class LearnerMetrics {
  static final String GROUP = "batchwise-learner-metrics";
  static final String MODEL_TAG = "model-id";
  static final String REASON_TAG = "reason";

  private final StreamsMetrics registry;
  private final String taskId;
  private final List<Sensor> sensors = new ArrayList<>();
  private final Map<String, ModelSensors> models = new HashMap<>();
  private final Map<String, Sensor> deadLetters = new HashMap<>();

  /** One model's sensors, each holding one metric but {@code examples} (its rate and total). */
  private final class ModelSensors {
    final Sensor version;
    final Sensor examplesSeen;
    final Sensor examples;
    final Sensor batchSize;
    final Sensor learningRate;
    final Sensor noiseScale;
    final Sensor loss;
    final Sensor lag;
    final Sensor arrivalRate;
    final Sensor learners;
    final Sensor merges;
    final Sensor syncUpdates;
    final Sensor combinedBatch;
    private final String modelId;

    ModelSensors(String modelId) {
      this.modelId = modelId;
      version = sensor("snapshot-version", "Version of the model's last published snapshot", new Value());
      examplesSeen = sensor("examples-seen", "Examples the model has learned from, in total (its last snapshot's)",
          new Value());
      examples = sensor("examples-rate", "Examples learned per second", new Rate());
      examples.add(new MetricName("examples-total", GROUP, "Examples learned by this task since it started", tags(modelId)),
          new CumulativeSum());
      batchSize = sensor("batch-size", "The batch size in force at the last snapshot", new Value());
      learningRate = sensor("learning-rate", "Learning rate of the last update before the last snapshot", new Value());
      noiseScale = sensor("noise-scale", "Gradient noise scale B_noise estimated by the policy (NaN: none yet)",
          new Value());
      noiseScale.record(Double.NaN);
      loss = sensor("loss", "Mean prequential loss of the examples learned since the previous snapshot", new Value());
      loss.record(Double.NaN);
      lag = sensor("lag", "Events waiting behind the last one learned: the consumer lag of the model's partition",
          new Value());
      arrivalRate = sensor("arrival-rate", "Events per second arriving for the model", new Value());
      learners = sensor("learners", "Learners of the model (K): 1, or its replicas that merged lately and this one",
          new Value());
      merges = sensor("merges-total", "Replicas' deltas merged into the model by this task since it started",
          new CumulativeSum());
      syncUpdates = sensor("sync-updates", "Updates a replica took between two merged deltas (the sync period H), "
          + "averaged over the last interval with merges; NaN before the first", new Value());
      syncUpdates.record(Double.NaN);
      combinedBatch = sensor("combined-batch", "The batch a merged delta acted like (K H B for K learners alike), "
          + "averaged over the last interval with merges; compare with noise-scale; NaN before the first", new Value());
      combinedBatch.record(Double.NaN);
    }

    private Sensor sensor(String name, String description, MeasurableStat stat) {
      return LearnerMetrics.this.sensor(modelId + "." + name, name, description, tags(modelId), stat);
    }
  }

  LearnerMetrics(StreamsMetrics registry, String taskId) {
    this.registry = registry;
    this.taskId = taskId;
  }

  private Map<String, String> tags(String modelId) {
    Map<String, String> tags = new HashMap<>();
    tags.put("task-id", taskId);
    tags.put(MODEL_TAG, modelId);
    return tags;
  }

  /** A sensor of one metric; {@code key} tells it apart from the task's other sensors. */
  private Sensor sensor(String key, String name, String description, Map<String, String> tags, MeasurableStat stat) {
    Sensor sensor = registry.addSensor("batchwise." + taskId + "." + key, Sensor.RecordingLevel.INFO);
    sensor.add(new MetricName(name, GROUP, description, tags), stat);
    sensors.add(sensor);
    return sensor;
  }

  /** Records one published summary (sensors cost too much to record per update at B = 1). */
  void update(TrainingMetrics m) {
    ModelSensors model = models.computeIfAbsent(m.getModelId(), ModelSensors::new);
    model.version.record(m.getVersion());
    model.examplesSeen.record(m.getExamplesSeen());
    model.examples.record(m.getExamples());
    model.batchSize.record(m.getNextBatchSize());
    model.learningRate.record(m.getLearningRate());
    model.noiseScale.record(m.getNoiseScale() == null ? Double.NaN : m.getNoiseScale());
    if (m.getWeightSum() > 0) {
      model.loss.record(m.getLossSum() / m.getWeightSum());
    }
    model.lag.record(m.getLag());
    model.arrivalRate.record(m.getArrivalRate());
    model.learners.record(m.getLearners());
    model.merges.record(m.getMerges());
    if (m.getMerges() > 0) {
      model.syncUpdates.record(m.getSyncUpdates());
      model.combinedBatch.record(m.getCombinedBatch());
    }
  }

  /**
   * Counts a dead letter of the model (null: none named, counted under the model id "") under its reason's class.
   *
   * @param learnable false when no model could be made for the event's model id
   */
  void deadLetter(String modelId, String reason, boolean learnable) {
    String label = DeadLetterReason.of(reason, learnable).label();
    String model = modelId == null ? "" : modelId;
    deadLetters.computeIfAbsent(model + ".dead-letters." + label, key -> {
      Map<String, String> tags = tags(model);
      tags.put(REASON_TAG, label);
      return sensor(key, "dead-letters-total", "Inputs sent to the dead-letter topic", tags, new CumulativeSum());
    }).record(1);
  }

  void close() {
    sensors.forEach(registry::removeSensor);
  }
}
