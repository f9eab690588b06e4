package io.batchwise.app.monitoring;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricsReporter;
import org.apache.kafka.common.metrics.stats.CumulativeSum;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;

/**
 * A Kafka {@link MetricsReporter} that registers a client's metrics as Micrometer meters the moment the client
 * creates them, and removes them with it. It is for clients that batchwise does not hold itself and so cannot hand to
 * Micrometer's {@code KafkaClientMetrics}, such as the consumer inside {@code serve}'s snapshot follower: the
 * client names this class in its {@code metric.reporters} ({@link #settings}). Meters are named as Micrometer's Kafka
 * binders name them, {@code kafka.<group without -metrics>.<name>} with {@code -} as {@code .}, so that a series
 * reads the same from {@code learn} and {@code serve}; cumulative sums and counts are counters, the rest gauges.
 */
public final class KafkaClientMeters implements MetricsReporter {
  /** The setting that carries the registry to the reporter Kafka instantiates. */
  static final String REGISTRY = "batchwise.metrics.registry";
  private static final Set<String> METADATA_GROUPS = Set.of("app-info", "kafka-metrics-count");

  private MeterRegistry registry;
  private final Map<MetricName, Meter.Id> meters = new HashMap<>();

  /**
   * The client settings plus what makes the client report its metrics to {@code registry}: this reporter added
   * to its {@code metric.reporters} (beside JMX's, which stays).
   */
  public static Map<String, Object> settings(Map<String, Object> clientSettings, MeterRegistry registry) {
    Map<String, Object> settings = new LinkedHashMap<>(clientSettings);
    Object given = settings.getOrDefault(CommonClientConfigs.METRIC_REPORTER_CLASSES_CONFIG, JmxReporter.class.getName());
    @SuppressWarnings("unchecked")
    List<Object> reporters = new ArrayList<>((List<Object>) ConfigDef.parseType(
        CommonClientConfigs.METRIC_REPORTER_CLASSES_CONFIG, given, Type.LIST));
    reporters.add(KafkaClientMeters.class.getName());
    settings.put(CommonClientConfigs.METRIC_REPORTER_CLASSES_CONFIG, reporters);
    settings.put(REGISTRY, registry);
    return settings;
  }

  @Override
  public void configure(Map<String, ?> configs) {
    registry = Objects.requireNonNull((MeterRegistry) configs.get(REGISTRY), REGISTRY + " is not set");
  }

  @Override
  public synchronized void init(List<KafkaMetric> metrics) {
    metrics.forEach(this::metricChange);
  }

  @Override
  public synchronized void metricChange(KafkaMetric metric) {
    MetricName name = metric.metricName();
    remove(name);
    if (METADATA_GROUPS.contains(name.group()) || !(metric.metricValue() instanceof Number)) {
      return;
    }
    String meterName = meterName(name);
    // Prometheus wants one set of labels per name; Kafka has some metrics both per client and per partition:
    // keep the more detailed series, as Micrometer's binders do
    for (Map.Entry<MetricName, Meter.Id> other : List.copyOf(meters.entrySet())) {
      if (other.getValue().getName().equals(meterName) && !other.getKey().tags().keySet().equals(name.tags().keySet())) {
        if (other.getKey().tags().size() >= name.tags().size()) {
          return;
        }
        remove(other.getKey());
      }
    }
    List<Tag> tags = new ArrayList<>();
    name.tags().forEach((key, value) -> tags.add(Tag.of(key.replace('-', '.'), value)));
    // the meters hold the metric weakly, the client strongly for as long as it exists
    Meter meter = isCounter(metric)
        ? FunctionCounter.builder(meterName, metric, KafkaClientMeters::value).tags(tags)
            .description(name.description()).register(registry)
        : Gauge.builder(meterName, metric, KafkaClientMeters::value).tags(tags).description(name.description())
            .register(registry);
    meters.put(name, meter.getId());
  }

  @Override
  public synchronized void metricRemoval(KafkaMetric metric) {
    remove(metric.metricName());
  }

  private void remove(MetricName name) {
    Meter.Id id = meters.remove(name);
    if (id != null) {
      registry.remove(id);
    }
  }

  @Override
  public synchronized void close() {
    List.copyOf(meters.keySet()).forEach(this::remove);
  }

  private static boolean isCounter(KafkaMetric metric) {
    try {
      return metric.measurable() instanceof CumulativeSum;
    } catch (IllegalStateException e) {
      return false;  // a gauge, not a measurable
    }
  }

  private static double value(KafkaMetric metric) {
    return metric.metricValue() instanceof Number number ? number.doubleValue() : Double.NaN;
  }

  static String meterName(MetricName name) {
    return ("kafka." + name.group() + "." + name.name()).replace("-metrics", "").replace('-', '.');
  }
}
