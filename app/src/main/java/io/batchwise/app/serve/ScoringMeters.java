package io.batchwise.app.serve;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.batchwise.client.SnapshotScorer;
import io.batchwise.schemas.ModelSnapshot;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The scoring server's own meters. Per model, read from its latest snapshot: version, examples seen, loss (over
 * every example and recent), dead letters, and the snapshot's age. Per endpoint and model, the requests: a timer
 * tagged with the status and its class ({@code outcome}: success, client_error, server_error), so errors are the
 * requests whose outcome is not success. A request names its model only when the server has that model: model ids
 * that clients make up do not become series.
 */
final class ScoringMeters {
  static final String MODEL_TAG = "model.id";

  private final MeterRegistry registry;
  private final Supplier<SnapshotScorer> scorer;
  private final Set<String> modelsWithGauges = ConcurrentHashMap.newKeySet();

  ScoringMeters(MeterRegistry registry, Supplier<SnapshotScorer> scorer) {
    this.registry = registry;
    this.scorer = scorer;
  }

  /** Registers the gauges of the models that arrived since the last call: called before each scrape. */
  void registerNewModels() {
    SnapshotScorer current = scorer.get();
    if (current == null) {
      return;
    }
    for (String modelId : current.latest().keySet()) {
      if (modelsWithGauges.add(modelId)) {
        gauge("batchwise.serve.model.version", "Version of the latest snapshot of the model", modelId,
            ModelSnapshot::getVersion);
        gauge("batchwise.serve.model.examples.seen", "Examples the model has learned from, in total", modelId,
            ModelSnapshot::getExamplesSeen);
        gauge("batchwise.serve.model.loss", "Prequential loss over every example the model learned from", modelId,
            s -> s.getMetrics().getLogLoss());
        gauge("batchwise.serve.model.recent.loss", "Prequential loss over about the last 1000 examples", modelId,
            s -> s.getMetrics().getRecentLogLoss());
        gauge("batchwise.serve.model.dead.letters", "Inputs of the model sent to the dead-letter topic", modelId,
            ModelSnapshot::getDeadLetters);
        gauge("batchwise.serve.model.snapshot.age.seconds", "Seconds since the latest snapshot was created", modelId,
            s -> Duration.between(s.getCreatedAt(), Instant.now()).toMillis() / 1000.0);
      }
    }
  }

  private void gauge(String name, String description, String modelId, ToDoubleFunction<ModelSnapshot> value) {
    Function<String, Optional<ModelSnapshot>> latest = id -> {
      SnapshotScorer current = scorer.get();
      return current == null ? Optional.empty() : current.latest(id);
    };
    Gauge.builder(name, () -> latest.apply(modelId).map(value::applyAsDouble).orElse(Double.NaN))
        .description(description).tag(MODEL_TAG, modelId).register(registry);
  }

  /**
   * Counts one answered request and its time.
   *
   * @param path the request's path, e.g. {@code /models/fraud/predict}
   */
  void request(String path, int status, long nanos) {
    String[] parts = path.replaceAll("/+$", "").split("/");
    String endpoint;
    String model = "";
    if (parts.length == 2 && Set.of("healthz", "readyz", "metrics", "models").contains(parts[1])) {
      endpoint = parts[1];
    } else if (parts.length >= 3 && parts.length <= 4 && parts[1].equals("models")
        && (parts.length == 3 || parts[3].equals("predict"))) {
      endpoint = parts.length == 3 ? "model" : "predict";
      SnapshotScorer current = scorer.get();
      if (current != null && current.latest(parts[2]).isPresent()) {
        model = parts[2];
      }
    } else {
      endpoint = "other";
    }
    Timer.builder("batchwise.serve.requests").description("Requests answered, by endpoint, model and status")
        .tag("endpoint", endpoint).tag(MODEL_TAG, model).tag("status", Integer.toString(status))
        .tag("outcome", status < 400 ? "success" : status < 500 ? "client_error" : "server_error")
        .register(registry).record(nanos, TimeUnit.NANOSECONDS);
  }
}
