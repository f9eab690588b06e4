package io.batchwise.learner.stream;

import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

import io.batchwise.learner.input.InputFormat;
import io.batchwise.learner.input.InputSpec;
import io.batchwise.learner.model.ModelFactory;
import io.batchwise.learner.model.OnlineModel;
import io.batchwise.policy.BatchingPolicies;
import io.batchwise.policy.SyncPeriod;
import io.batchwise.schemas.Serdes;

/**
 * Configuration of the learner topology, defined like Kafka's own configs: every key typed, documented
 * and defaulted. Kafka Streams settings (bootstrap.servers, application.id, processing.guarantee, ...)
 * are passed beside these keys and go to Kafka Streams unchanged.
 */
public final class LearnerConfig extends AbstractConfig {
  public static final String EVENTS_TOPIC = "events.topic";
  public static final String SNAPSHOTS_TOPIC = "snapshots.topic";
  public static final String METRICS_TOPIC = "metrics.topic";
  public static final String DEAD_LETTER_TOPIC = "dead.letter.topic";
  public static final String MODEL_SPEC = "model.spec";
  public static final String OPTIMIZER = "model.optimizer";
  public static final String FEATURE_COUNT = "model.feature.count";
  public static final String BATCH_POLICY = "batch.policy";
  public static final String BATCH_MAX_LATENCY_MS = "batch.max.latency.ms";
  public static final String SNAPSHOT_INTERVAL_MS = "snapshot.interval.ms";
  public static final String SNAPSHOT_EVERY_UPDATES = "snapshot.every.updates";
  public static final String SNAPSHOT_MAX_BYTES = "snapshot.max.bytes";
  public static final String SNAPSHOT_MAX_TIME_SHARE = "snapshot.max.time.share";
  public static final String PUNCTUATE_INTERVAL_MS = "punctuate.interval.ms";
  public static final String SYNC_PERIOD = "sync.period";
  public static final String SYNC_MAX_STALENESS_MS = "sync.max.staleness.ms";
  public static final String MERGE_INTERVAL_MS = "merge.interval.ms";
  public static final String INPUT_FORMAT = "input.format";
  public static final String INPUT_LABEL = "input.label";
  public static final String INPUT_FEATURES = "input.features";
  public static final String INPUT_MODEL_FIELD = "input.model.field";
  public static final String INPUT_MODEL_ID = "input.model.id";
  public static final String INPUT_CSV_COLUMNS = "input.csv.columns";

  public static final ConfigDef DEFINITION = new ConfigDef()
      .define(EVENTS_TOPIC, Type.STRING, "events", Importance.HIGH,
          "Topic of the events: LabelledEvent records keyed by model id, or JSON or CSV records (input.format).")
      .define(SNAPSHOTS_TOPIC, Type.STRING, "model-snapshots", Importance.HIGH,
          "Compacted topic the learner publishes versioned ModelSnapshot records to, keyed by model id.")
      .define(METRICS_TOPIC, Type.STRING, "training-metrics", Importance.MEDIUM,
          "Topic of TrainingMetrics records: one per model and snapshot, summarizing the updates since the last.")
      .define(DEAD_LETTER_TOPIC, Type.STRING, "events-dlq", Importance.MEDIUM,
          "Topic of DeadLetter records: every input that cannot be learned from, with the reason and its bytes.")
      .define(MODEL_SPEC, Type.STRING, "logistic", Importance.HIGH,
          "Model spec for every model id, e.g. logistic, linear, softmax:3, mlp:128,64.")
      .define(OPTIMIZER, Type.STRING, "", Importance.MEDIUM,
          "Optimizer spec, e.g. sgd:0.1 or adam:0.001; empty picks the model kind's default.")
      .define(FEATURE_COUNT, Type.INT, 0, Range.atLeast(0), Importance.MEDIUM,
          "Features per event; 0 takes the count of each model's first event.")
      .define(BATCH_POLICY, Type.STRING, "goodput", Importance.HIGH,
          "Batching policy: goodput[:key=value,...] (adaptive), fixed:N or normtest[:key=value,...].")
      .define(BATCH_MAX_LATENCY_MS, Type.LONG, 500L, Range.atLeast(1), Importance.MEDIUM,
          "Flush a micro-batch once its oldest event has waited this long, full or not.")
      .define(SNAPSHOT_INTERVAL_MS, Type.LONG, 1000L, Range.atLeast(0), Importance.MEDIUM,
          "Publish a model's snapshot (with its checkpoint and metrics summary) at most this often while it learns, "
              + "and once when its input goes idle. After a crash the learner reads back at most about this much of "
              + "the events topic.")
      .define(SNAPSHOT_EVERY_UPDATES, Type.LONG, 0L, Range.atLeast(0), Importance.LOW,
          "Also publish after this many updates since the last snapshot; 0 turns this off.")
      .define(SNAPSHOT_MAX_BYTES, Type.INT, 16 * 1024 * 1024, Range.atLeast(1024), Importance.LOW,
          "Largest snapshot or checkpoint record; the snapshots topic's max.message.bytes and the producer's "
              + "max.request.size.")
      .define(SNAPSHOT_MAX_TIME_SHARE, Type.DOUBLE, 0.05, Range.between(0.001, 1.0), Importance.LOW,
          "Largest share of the stream thread's time that publishing one model (snapshot, checkpoint, summary) may "
              + "take while events arrive: the next publication waits at least c / share, c the lesser of the last two "
              + "publications' costs, so a large model costs the stream a bounded share whatever snapshot.interval.ms "
              + "says. Once no event came for a punctuation interval only snapshot.interval.ms holds it back.")
      .define(PUNCTUATE_INTERVAL_MS, Type.LONG, 50L, Range.atLeast(1), Importance.LOW,
          "How often wall-clock checks for max latency and snapshot cadence run.")
      .define(SYNC_PERIOD, Type.STRING, SyncPeriod.ADAPTIVE, Importance.MEDIUM,
          "For a model whose events arrive on several partitions: how many updates a replica takes between two "
              + "deltas it sends to be merged, 'adaptive' (for a model that measures its curvature, the longest that "
              + "keeps K H eps h, learners times updates times an update's share of the way to the minimum, at most "
              + "1/4; else the longest that keeps K H B, learners times updates times batch size, below the measured "
              + "B_noise) or a fixed number.")
      .define(SYNC_MAX_STALENESS_MS, Type.LONG, 1000L, Range.atLeast(1), Importance.MEDIUM,
          "A replica with updates to merge sends its delta once its previous one is this old, whatever the sync "
              + "period says.")
      .define(MERGE_INTERVAL_MS, Type.LONG, 20L, Range.atLeast(0), Importance.LOW,
          "While replicas wait for their deltas to be merged, the model's home publishes a merged version at most "
              + "this often (instead of snapshot.interval.ms), within snapshot.max.time.share.")
      .define(INPUT_FORMAT, Type.STRING, "avro", ConfigDef.ValidString.in("avro", "json", "csv"), Importance.HIGH,
          "What the events topic holds: avro (LabelledEvent records, as ingest writes them), json (one object per "
              + "record) or csv (one line per record).")
      .define(INPUT_LABEL, Type.STRING, "", Importance.HIGH,
          "json and csv input: the field or column holding the label.")
      .define(INPUT_FEATURES, Type.LIST, "", Importance.MEDIUM,
          "json and csv input: the feature fields or columns, in vector order; empty takes every numeric JSON field "
              + "(in the order of their names) or every CSV column but the label's and the model's.")
      .define(INPUT_MODEL_FIELD, Type.STRING, "", Importance.MEDIUM,
          "json and csv input: the field or column holding the model id; empty for none.")
      .define(INPUT_MODEL_ID, Type.STRING, "", Importance.MEDIUM,
          "json and csv input: the model id of every record; empty for none. Without this or input.model.field, "
              + "the record's key names the model.")
      .define(INPUT_CSV_COLUMNS, Type.LIST, "", Importance.MEDIUM,
          "csv input: the columns' names in order, which name the features; empty names them by position "
              + "(1, 2, ...), and the features then have no names.");

  public LearnerConfig(Map<?, ?> props) {
    super(DEFINITION, props, false);
  }

  public String eventsTopic() {
    return getString(EVENTS_TOPIC);
  }

  public String snapshotsTopic() {
    return getString(SNAPSHOTS_TOPIC);
  }

  public String metricsTopic() {
    return getString(METRICS_TOPIC);
  }

  public String deadLetterTopic() {
    return getString(DEAD_LETTER_TOPIC);
  }

  public String modelSpec() {
    return getString(MODEL_SPEC);
  }

  public String optimizer() {
    return getString(OPTIMIZER);
  }

  public int featureCount() {
    return getInt(FEATURE_COUNT);
  }

  public String batchPolicy() {
    return getString(BATCH_POLICY);
  }

  public long maxLatencyMillis() {
    return getLong(BATCH_MAX_LATENCY_MS);
  }

  public long snapshotIntervalMillis() {
    return getLong(SNAPSHOT_INTERVAL_MS);
  }

  public long snapshotEveryUpdates() {
    return getLong(SNAPSHOT_EVERY_UPDATES);
  }

  public int snapshotMaxBytes() {
    return getInt(SNAPSHOT_MAX_BYTES);
  }

  public double snapshotMaxTimeShare() {
    return getDouble(SNAPSHOT_MAX_TIME_SHARE);
  }

  public long punctuateIntervalMillis() {
    return getLong(PUNCTUATE_INTERVAL_MS);
  }

  public SyncPeriod syncPeriod() {
    return SyncPeriod.parse(getString(SYNC_PERIOD), getLong(SYNC_MAX_STALENESS_MS));
  }

  public long mergeIntervalMillis() {
    return getLong(MERGE_INTERVAL_MS);
  }

  /** How the events topic is read. */
  public InputSpec input() {
    return new InputSpec(InputFormat.parse(getString(INPUT_FORMAT)), getString(INPUT_LABEL).strip(),
        getList(INPUT_FEATURES).stream().map(String::strip).toList(), getString(INPUT_MODEL_FIELD).strip(),
        getString(INPUT_MODEL_ID).strip(), getList(INPUT_CSV_COLUMNS).stream().map(String::strip).toList());
  }

  /** A new learning loop for a model of {@code featureCount} features, as these settings build it. */
  public LearningLoop newLoop(String modelId, int featureCount) {
    OnlineModel model = ModelFactory.create(modelSpec(), optimizer(), featureCount);
    // the learning-rate coupling depends on the optimizer (AdaScale for SGD, sqrt for Adam)
    return new LearningLoop(modelId, model, BatchingPolicies.parse(batchPolicy(), maxLatencyMillis(),
        model.exportState().optimizerSpec(), model.bytesPerExample()));
  }

  /**
   * Why a model of {@code featureCount} features cannot be published (its snapshot or its checkpoint is larger
   * than {@value #SNAPSHOT_MAX_BYTES}), or null when it can. Sized after one step, when the optimizer's slots
   * (Adam's moments, FTRL's accumulators) exist.
   */
  public String snapshotTooLarge(int featureCount) {
    LearningLoop loop = newLoop("size-check", featureCount);
    loop.add(new double[featureCount], 0, 1, 0, 0, 0);
    loop.step(0, 0);
    int snapshot = Serdes.modelSnapshot().serialize(snapshotsTopic(), loop.snapshot(0)).length;
    int checkpoint = Serdes.learnerCheckpoint().serialize(snapshotsTopic(), loop.checkpoint(0)).length;
    int bytes = Math.max(snapshot, checkpoint);
    return bytes <= snapshotMaxBytes() ? null : "a " + modelSpec() + " model of " + featureCount + " features needs "
        + bytes + "-byte " + (snapshot >= checkpoint ? "snapshots" : "checkpoints") + ", more than "
        + SNAPSHOT_MAX_BYTES + "=" + snapshotMaxBytes();
  }

  /**
   * Fails fast, with a one-line message, on input settings that cannot read the events topic, on a model,
   * policy or sync-period spec that cannot be built, and on a model
   * whose snapshot would not fit {@value #SNAPSHOT_MAX_BYTES} (checked when the feature count is known).
   */
  public void validateSpecs() {
    String inputProblem = input().problem(new InputSpec.Keys(INPUT_LABEL, INPUT_FEATURES, INPUT_MODEL_FIELD,
        INPUT_MODEL_ID, INPUT_CSV_COLUMNS));
    if (inputProblem != null) {
      throw new IllegalArgumentException(inputProblem);
    }
    newLoop("spec-check", Math.max(1, featureCount()));
    syncPeriod();
    String tooLarge = featureCount() > 0 ? snapshotTooLarge(featureCount()) : null;
    if (tooLarge != null) {
      throw new IllegalArgumentException(tooLarge);
    }
  }
}
