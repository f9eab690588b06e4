package io.batchwise.learner.stream;

import java.util.Map;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.StreamsMetrics;

/**
 * How long the stream thread's commits take, as Kafka Streams measures them ({@code commit-latency-avg} of the
 * thread): a replica asks for a commit after each delta, and the thread waits for it.
 */
final class CommitLatency {
  private static final String GROUP = "stream-thread-metrics";
  private static final String NAME = "commit-latency-avg";

  private final StreamsMetrics metrics;
  private Metric metric;

  CommitLatency(StreamsMetrics metrics) {
    this.metrics = metrics;
  }

  /** The mean commit time of the calling stream thread in nanoseconds; 0 while none was measured. */
  long nanos() {
    if (metric == null) {
      String thread = Thread.currentThread().getName();
      for (Map.Entry<MetricName, ? extends Metric> e : metrics.metrics().entrySet()) {
        MetricName name = e.getKey();
        if (NAME.equals(name.name()) && GROUP.equals(name.group()) && thread.equals(name.tags().get("thread-id"))) {
          metric = e.getValue();
        }
      }
    }
    Object value = metric == null ? null : metric.metricValue();
    return value instanceof Double ms && Double.isFinite(ms) ? (long) (ms * 1e6) : 0;
  }
}
