package io.batchwise.learner.snapshot;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.batchwise.learner.model.OnlineModel;
import io.batchwise.schemas.ModelSnapshot;

/**
 * Scores feature vectors with the latest snapshot of each model, exactly as the learner would
 * (standardization included), following the snapshots topic as new versions arrive.
 *
 * <pre>{@code
 * try (SnapshotScorer scorer = SnapshotScorer.follow(Map.of("bootstrap.servers", "localhost:9092"), "model-snapshots")) {
 *   scorer.awaitModel("fraud", Duration.ofSeconds(30));
 *   Prediction p = scorer.score("fraud", features);   // p.version() says which model answered
 * }
 * }</pre>
 */
public final class SnapshotScorer implements AutoCloseable {
  /** A model's answer: P(y=1), the K class probabilities, or the regression value. */
  public record Prediction(String modelId, long version, double[] outputs) {
    /** The predicted class (argmax; threshold 0.5 for a single probability) or the regression value. */
    public double label(boolean regression) {
      if (regression) {
        return outputs[0];
      }
      if (outputs.length == 1) {
        return outputs[0] >= 0.5 ? 1 : 0;
      }
      int best = 0;
      for (int k = 1; k < outputs.length; k++) {
        if (outputs[k] > outputs[best]) {
          best = k;
        }
      }
      return best;
    }
  }

  private record LiveModel(ModelSnapshot snapshot, OnlineModel model) {
  }

  private final SnapshotFollower follower;
  private final Map<String, LiveModel> models = new ConcurrentHashMap<>();

  private SnapshotScorer(SnapshotFollower follower) {
    this.follower = follower;
  }

  /** Starts following the topic; listeners hear each new version after it is ready to score. */
  @SafeVarargs
  public static SnapshotScorer follow(Map<String, Object> consumerSettings, String topic,
      Consumer<ModelSnapshot>... listeners) {
    SnapshotFollower follower = new SnapshotFollower(consumerSettings, topic);
    SnapshotScorer scorer = new SnapshotScorer(follower);
    follower.onSnapshot(snapshot -> {
      scorer.models.put(snapshot.getModelId(), new LiveModel(snapshot, SnapshotCodec.model(snapshot)));
      for (Consumer<ModelSnapshot> listener : listeners) {
        listener.accept(snapshot);
      }
    });
    follower.start();
    return scorer;
  }

  /** Waits until a snapshot of the model has arrived. */
  public boolean awaitModel(String modelId, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!models.containsKey(modelId)) {
      if (System.nanoTime() > deadline || follower.failure().isPresent()) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  public Optional<ModelSnapshot> latest(String modelId) {
    LiveModel live = models.get(modelId);
    return live == null ? Optional.empty() : Optional.of(live.snapshot());
  }

  public Map<String, ModelSnapshot> latest() {
    Map<String, ModelSnapshot> result = new java.util.TreeMap<>();
    models.forEach((id, live) -> result.put(id, live.snapshot()));
    return result;
  }

  /**
   * Scores one raw feature vector with the model's latest version.
   *
   * @throws IllegalArgumentException when the model is unknown or the vector has the wrong length
   */
  public Prediction score(String modelId, double[] features) {
    LiveModel live = models.get(modelId);
    if (live == null) {
      throw new IllegalArgumentException("no snapshot of model " + modelId + " yet");
    }
    int d = live.model().featureCount();
    if (features.length != d) {
      throw new IllegalArgumentException("model " + modelId + " takes " + d + " features, got " + features.length);
    }
    for (double v : features) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("features must be finite numbers, got " + v);
      }
    }
    double[] outputs;
    synchronized (live.model()) {  // models keep scratch buffers
      outputs = live.model().predict(features);
    }
    return new Prediction(modelId, live.snapshot().getVersion(), outputs);
  }

  /** True for models whose loss is a regression loss (squared, huber). */
  public boolean isRegression(String modelId) {
    LiveModel live = models.get(modelId);
    String loss = live == null ? "" : live.snapshot().getArchitecture().getLoss();
    return loss.equals("squared") || loss.startsWith("huber");
  }

  @Override
  public void close() {
    follower.close();
  }
}
