package io.batchwise.app.report;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.batchwise.app.dashboard.MetricsFollower;
import io.batchwise.schemas.TrainingMetrics;

/** Records one model's TrainingMetrics summaries, as a {@link MetricsFollower} reads them, for the report. */
public final class MetricsRecorder implements AutoCloseable {
  private final String modelId;
  private final List<TrainingMetrics> updates = new ArrayList<>();
  /** The follower this recorder started, and closes; null when it records another's. */
  private final MetricsFollower own;

  /** Records what {@code follower} reads; start the follower after this. */
  public MetricsRecorder(MetricsFollower follower, String modelId) {
    this(follower, modelId, false);
  }

  /** Records the topic from its beginning with a follower of its own. */
  public MetricsRecorder(Map<String, Object> clientSettings, String topic, String modelId) {
    this(new MetricsFollower(clientSettings, topic), modelId, true);
    own.start();
  }

  private MetricsRecorder(MetricsFollower follower, String modelId, boolean owned) {
    this.modelId = modelId;
    this.own = owned ? follower : null;
    follower.onSummary(this::record);
  }

  private void record(TrainingMetrics m) {
    if (m.getModelId().equals(modelId)) {
      synchronized (updates) {
        updates.add(m);
      }
    }
  }

  /** The newest summary recorded so far, or null. */
  public TrainingMetrics latest() {
    synchronized (updates) {
      return updates.isEmpty() ? null : updates.get(updates.size() - 1);
    }
  }

  /** Waits until the recorded summaries cover {@code examples} examples (or the timeout), then returns them in order. */
  public List<TrainingMetrics> awaitExamples(long examples, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      synchronized (updates) {
        if (!updates.isEmpty() && updates.get(updates.size() - 1).getExamplesSeen() >= examples) {
          break;
        }
      }
      Thread.sleep(50);
    }
    synchronized (updates) {
      List<TrainingMetrics> sorted = new ArrayList<>(updates);
      sorted.sort((a, b) -> Long.compare(a.getVersion(), b.getVersion()));
      return sorted;
    }
  }

  @Override
  public void close() {
    if (own != null) {
      own.close();
    }
  }
}
