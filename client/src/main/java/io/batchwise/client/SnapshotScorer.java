package io.batchwise.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.batchwise.schemas.FeatureNames;
import io.batchwise.schemas.ModelSnapshot;

/**
 * Scores feature vectors with the latest snapshot of each model, as the learner would (standardization
 * included), following the snapshots topic as new versions arrive. Each snapshot becomes a
 * {@link SnapshotModel}, so any number of threads may score at once.
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

  /** The latest snapshot of a model, the model it carries or why it cannot be scored, and its features' names (or null). */
  private record Latest(ModelSnapshot snapshot, SnapshotModel model, String unusable, FeatureNames names) {
  }

  private final SnapshotFollower follower;
  private final Map<String, Latest> models = new ConcurrentHashMap<>();

  private SnapshotScorer(SnapshotFollower follower) {
    this.follower = follower;
  }

  /**
   * Starts following the topic; listeners hear each new version after it is ready to score.
   *
   * @param consumerSettings Kafka consumer settings, at least {@code bootstrap.servers}
   * @param topic            the snapshots topic
   */
  @SafeVarargs
  public static SnapshotScorer follow(Map<String, Object> consumerSettings, String topic,
      Consumer<ModelSnapshot>... listeners) {
    SnapshotFollower follower = new SnapshotFollower(consumerSettings, topic);
    SnapshotScorer scorer = new SnapshotScorer(follower);
    follower.onSnapshot(snapshot -> {
      scorer.models.put(snapshot.getModelId(), load(snapshot));
      for (Consumer<ModelSnapshot> listener : listeners) {
        listener.accept(snapshot);
      }
    });
    follower.start();
    return scorer;
  }

  /** A snapshot this client cannot score still replaces the one before, so nobody scores with a stale model. */
  private static FeatureNames names(ModelSnapshot snapshot) {
    return snapshot.getFeatureNames() == null ? null : new FeatureNames(snapshot.getFeatureNames());
  }

  private static Latest load(ModelSnapshot snapshot) {
    try {
      return new Latest(snapshot, SnapshotModel.of(snapshot), null, names(snapshot));
    } catch (IllegalArgumentException e) {
      return new Latest(snapshot, null, e.getMessage(), names(snapshot));
    }
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

  /**
   * Waits until the scorer has caught up ({@link #awaitCaughtUp}) and holds a snapshot of the model: from then
   * on it scores with the latest version published before it started, or a newer one.
   *
   * @return false when the timeout passed first
   * @throws IllegalStateException when following failed (e.g. the topic does not exist)
   */
  public boolean awaitModel(String modelId, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (!awaitCaughtUp(timeout)) {
      return false;
    }
    while (!models.containsKey(modelId)) {
      if (System.nanoTime() > deadline || follower.failure().isPresent()) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /** The latest snapshot of a model, if one has arrived. */
  public Optional<ModelSnapshot> latest(String modelId) {
    Latest latest = models.get(modelId);
    return latest == null ? Optional.empty() : Optional.of(latest.snapshot());
  }

  /** The names of the model's features, where its latest version knows them. */
  public Optional<FeatureNames> featureNames(String modelId) {
    Latest latest = models.get(modelId);
    return latest == null ? Optional.empty() : Optional.ofNullable(latest.names());
  }

  /** The latest snapshot of every model, by model id. */
  public Map<String, ModelSnapshot> latest() {
    Map<String, ModelSnapshot> result = new TreeMap<>();
    models.forEach((id, latest) -> result.put(id, latest.snapshot()));
    return result;
  }

  /**
   * Scores one raw feature vector with the model's latest version.
   *
   * @throws IllegalArgumentException when the model is unknown, or the vector has the wrong length or a value that
   *     is not a finite number
   * @throws IllegalStateException    when the latest snapshot cannot be scored by this client
   */
  public Prediction score(String modelId, double[] features) {
    SnapshotModel model = model(modelId);
    String problem = problem(model, features);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return predict(model, features);
  }

  /**
   * Scores a batch with one version of the model, the latest when the call began, so every prediction
   * names the same version.
   *
   * @throws IllegalArgumentException when the model is unknown; {@link BadInstance} for the first vector
   *                                  of the wrong length or with a value that is not finite
   * @throws IllegalStateException    when the latest snapshot cannot be scored by this client
   */
  public List<Prediction> score(String modelId, List<double[]> batch) {
    SnapshotModel model = model(modelId);
    for (int i = 0; i < batch.size(); i++) {
      String problem = problem(model, batch.get(i));
      if (problem != null) {
        throw new BadInstance(i, problem);
      }
    }
    List<Prediction> predictions = new ArrayList<>(batch.size());
    for (double[] features : batch) {
      predictions.add(predict(model, features));
    }
    return predictions;
  }

  /** True for models that predict a value (regression) rather than probabilities. */
  public boolean isRegression(String modelId) {
    Latest latest = models.get(modelId);
    return latest != null && latest.model() != null && latest.model().isRegression();
  }

  private SnapshotModel model(String modelId) {
    Latest latest = models.get(modelId);
    if (latest == null) {
      throw new IllegalArgumentException("no snapshot of model " + modelId + " yet");
    }
    if (latest.model() == null) {
      throw new IllegalStateException("version " + latest.snapshot().getVersion() + " of model " + modelId
          + " cannot be scored: " + latest.unusable());
    }
    return latest.model();
  }

  private static String problem(SnapshotModel model, double[] features) {
    int d = model.featureCount();
    if (features.length != d) {
      return "model " + model.snapshot().getModelId() + " takes " + d + " features, got " + features.length;
    }
    for (int j = 0; j < features.length; j++) {
      if (!Double.isFinite(features[j])) {
        return "feature " + j + " is " + features[j] + ": features must be finite numbers";
      }
    }
    return null;
  }

  private static Prediction predict(SnapshotModel model, double[] features) {
    ModelSnapshot snapshot = model.snapshot();
    return new Prediction(snapshot.getModelId(), snapshot.getVersion(), model.predict(features));
  }

  @Override
  public void close() {
    follower.close();
  }
}
