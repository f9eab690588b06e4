package io.batchwise.learner.snapshot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 *   scorer.awaitCaughtUp(Duration.ofSeconds(30));      // else the first answers may come from old versions
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

  /** An instance of a batch that cannot be scored: its 0-based position and what is wrong with it. */
  public static final class BadInstance extends IllegalArgumentException {
    private final int index;
    private final String problem;

    BadInstance(int index, String problem) {
      super("instance " + index + ": " + problem);
      this.index = index;
      this.problem = problem;
    }

    public int index() {
      return index;
    }

    /** What is wrong, without the instance's position: for a batch of one. */
    public String problem() {
      return problem;
    }
  }

  /** A version ready to score, with its features' names (null when it has none). */
  private record LiveModel(ModelSnapshot snapshot, OnlineModel model, FeatureNames names) {
    LiveModel(ModelSnapshot snapshot) {
      this(snapshot, SnapshotCodec.model(snapshot),
          snapshot.getFeatureNames() == null ? null : new FeatureNames(snapshot.getFeatureNames()));
    }
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
      scorer.models.put(snapshot.getModelId(), new LiveModel(snapshot));
      for (Consumer<ModelSnapshot> listener : listeners) {
        listener.accept(snapshot);
      }
    });
    follower.start();
    return scorer;
  }

  /**
   * Waits until every snapshot that was on the topic when following began has been read, so the next
   * answers come from the latest versions.
   *
   * @return false when the timeout passed first
   * @throws IllegalStateException when following failed (e.g. the topic does not exist)
   */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return follower.awaitCaughtUp(timeout);
  }

  /** True once every snapshot that was on the topic when following began has been read. */
  public boolean isCaughtUp() {
    return follower.isCaughtUp();
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

  /** The names of the model's features, where its latest version knows them. */
  public Optional<FeatureNames> featureNames(String modelId) {
    LiveModel live = models.get(modelId);
    return live == null ? Optional.empty() : Optional.ofNullable(live.names());
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
    LiveModel live = live(modelId);
    String problem = problem(live, features);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return predict(live, features);
  }

  /**
   * Scores a batch with one version of the model, the latest when the call began, so every prediction
   * names the same version.
   *
   * @throws IllegalArgumentException when the model is unknown; {@link BadInstance} for the first vector
   *                                  of the wrong length or with a value that is not finite
   */
  public List<Prediction> score(String modelId, List<double[]> batch) {
    LiveModel live = live(modelId);
    for (int i = 0; i < batch.size(); i++) {
      String problem = problem(live, batch.get(i));
      if (problem != null) {
        throw new BadInstance(i, problem);
      }
    }
    List<Prediction> predictions = new ArrayList<>(batch.size());
    for (double[] features : batch) {
      predictions.add(predict(live, features));
    }
    return predictions;
  }

  private LiveModel live(String modelId) {
    LiveModel live = models.get(modelId);
    if (live == null) {
      throw new IllegalArgumentException("no snapshot of model " + modelId + " yet");
    }
    return live;
  }

  private static String problem(LiveModel live, double[] features) {
    int d = live.model().featureCount();
    if (features.length != d) {
      return "model " + live.snapshot().getModelId() + " takes " + d + " features, got " + features.length;
    }
    for (int j = 0; j < features.length; j++) {
      if (!Double.isFinite(features[j])) {
        return "feature " + j + " is " + features[j] + ": features must be finite numbers";
      }
    }
    return null;
  }

  private static Prediction predict(LiveModel live, double[] features) {
    double[] outputs;
    synchronized (live.model()) {  // models keep scratch buffers
      outputs = live.model().predict(features);
    }
    return new Prediction(live.snapshot().getModelId(), live.snapshot().getVersion(), outputs);
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
