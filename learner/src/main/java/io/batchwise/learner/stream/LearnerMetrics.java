package io.batchwise.learner.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Rate;
import org.apache.kafka.common.metrics.stats.Value;
import org.apache.kafka.streams.StreamsMetrics;

import io.batchwise.schemas.TrainingMetrics;

/**
 * The learner's own metrics, registered in Kafka Streams' metrics registry (so JMX and any configured
 * metrics reporter see them) under group {@value #GROUP}, tagged with the task id.
 */
final class LearnerMetrics {
  static final String GROUP = "batchwise-learner-metrics";

  private final StreamsMetrics registry;
  private final List<Sensor> sensors = new ArrayList<>();
  private final Sensor batchSize;
  private final Sensor learningRate;
  private final Sensor noiseScale;
  private final Sensor examples;
  private final Sensor deadLetters;

  LearnerMetrics(StreamsMetrics registry, String taskId) {
    this.registry = registry;
    Map<String, String> tags = Map.of("task-id", taskId);
    batchSize = sensor("batch-size", taskId);
    batchSize.add(new MetricName("batch-size", GROUP, "The batch size in force at the last snapshot", tags), new Value());
    learningRate = sensor("learning-rate", taskId);
    learningRate.add(new MetricName("learning-rate", GROUP, "Learning rate of the last update before the last snapshot",
        tags), new Value());
    noiseScale = sensor("noise-scale", taskId);
    noiseScale.add(new MetricName("noise-scale", GROUP, "Gradient noise scale B_noise estimated by the policy", tags),
        new Value());
    examples = sensor("examples", taskId);
    examples.add(new MetricName("examples-rate", GROUP, "Examples learned per second", tags), new Rate());
    examples.add(new MetricName("examples-total", GROUP, "Examples learned", tags), new CumulativeSum());
    deadLetters = sensor("dead-letters", taskId);
    deadLetters.add(new MetricName("dead-letters-total", GROUP, "Inputs sent to the dead-letter topic", tags),
        new CumulativeSum());
  }

  private Sensor sensor(String name, String taskId) {
    Sensor sensor = registry.addSensor("batchwise." + name + "." + taskId, Sensor.RecordingLevel.INFO);
    sensors.add(sensor);
    return sensor;
  }

  /** Records one published summary (sensors cost too much to record per update at B = 1). */
  void update(TrainingMetrics m) {
    batchSize.record(m.getNextBatchSize());
    learningRate.record(m.getLearningRate());
    if (m.getNoiseScale() != null) {
      noiseScale.record(m.getNoiseScale());
    }
    examples.record(m.getExamples());
  }

  void deadLetter() {
    deadLetters.record(1);
  }

  void close() {
    sensors.forEach(registry::removeSensor);
  }
}
