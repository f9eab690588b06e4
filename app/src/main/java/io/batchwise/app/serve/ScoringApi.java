package io.batchwise.app.serve;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.batchwise.app.SnapshotSummary;
import io.batchwise.app.monitoring.Monitoring;
import io.batchwise.client.SnapshotScorer;
import io.batchwise.schemas.ModelSnapshot;

/**
 * The scoring API: {@code GET /healthz}, {@code GET /readyz}, {@code GET /metrics}, {@code GET /models},
 * {@code GET /models/{id}}, {@code POST /models/{id}/predict}. Every answer but the metrics' is JSON; every error is {@code {"error": "..."}} (with
 * {@code "instance"} when one instance of a batch is at fault). Models are answered only once there is a scorer
 * (the server starts before Kafka answers, so that its health can be checked meanwhile) and it has
 * caught up with the snapshots topic, so the first answer already comes from the latest version.
 */
final class ScoringApi extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(ScoringApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * After answering 413 the rest of the body is read and dropped for at most this long, so that a client
   * still sending it gets to read the answer (closing at once would reset the connection under it).
   */
  private static final Duration LINGER = Duration.ofSeconds(10);

  private volatile SnapshotScorer scorer;
  private final Monitoring monitoring;
  private final ScoringMeters meters;
  private final String snapshotsTopic;
  private final long maxBodyBytes;
  private final int maxInstances;
  private final BearerToken token;

  ScoringApi(String snapshotsTopic, ServeConfig config, BearerToken token, Monitoring monitoring) {
    this.monitoring = monitoring;
    this.meters = new ScoringMeters(monitoring.registry(), () -> scorer);
    this.snapshotsTopic = snapshotsTopic;
    this.maxBodyBytes = config.maxBodyBytes();
    this.maxInstances = config.maxInstances();
    this.token = token;
  }

  /** The answer to a scrape: every meter in the Prometheus text format. */
  private record MetricsText(String text) {
  }

  /** An answer: status and JSON body, or {@link MetricsText}. */
  private record Reply(int status, Object body) {
    static Reply error(int status, String message) {
      return new Reply(status, Map.of("error", message));
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    long started = System.nanoTime();
    Reply reply;
    boolean unreadBody = false;
    try {
      reply = route(request);
    } catch (RequestProblem e) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("error", e.getMessage());
      if (e.instance() != null) {
        body.put("instance", e.instance());
      }
      reply = new Reply(e.status(), body);
      unreadBody = e.status() == 413;
    } catch (BoundedBody.TooLarge e) {
      reply = Reply.error(413, e.getMessage());
      unreadBody = true;
    } catch (IOException e) {
      callback.failed(e);  // the client went away or stalled: nobody to answer
      return true;
    } catch (RuntimeException e) {
      LOG.warn("{} {} failed", request.getMethod(), request.getHttpURI().getPath(), e);
      reply = Reply.error(500, "internal error: " + e);
    }
    meters.request(request.getHttpURI().getDecodedPath(), reply.status(), System.nanoTime() - started);
    if (reply.status() == 401) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"batchwise\"");
    }
    if (reply.status() == 503) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
    }
    if (unreadBody) {
      answerThenDrain(request, response, callback, reply);
    } else {
      send(response, reply, callback);
    }
    return true;
  }

  private Reply route(Request request) throws RequestProblem, IOException {
    String path = request.getHttpURI().getDecodedPath().replaceAll("/+$", "");
    String method = request.getMethod();
    String[] parts = path.split("/");
    if (path.equals("/healthz")) {
      requireMethod(method, "GET");
      return new Reply(200, Map.of("status", "up"));
    }
    if (path.equals("/readyz")) {
      requireMethod(method, "GET");
      Map<String, Object> status = new LinkedHashMap<>();
      SnapshotScorer current = scorer;
      boolean ready = current != null && current.isCaughtUp();
      status.put("status", ready ? "ready" : "catching up");
      if (ready) {
        status.put("models", current.latest().size());
        return new Reply(200, status);
      }
      status.put("detail", catchingUp());
      return new Reply(503, status);
    }
    token.require(request);
    if (path.equals("/metrics")) {
      requireMethod(method, "GET");
      meters.registerNewModels();
      return new Reply(200, new MetricsText(monitoring.scrape()));
    }
    if (parts.length < 2 || !parts[1].equals("models") || parts.length > 4
        || (parts.length == 4 && !parts[3].equals("predict"))) {
      throw new RequestProblem(404, "no such endpoint: " + path
          + " (endpoints: /, /models, /models/{id}, /models/{id}/predict, /healthz, /readyz, /metrics)");
    }
    requireMethod(method, parts.length == 4 ? "POST" : "GET");
    SnapshotScorer scorer = this.scorer;
    if (scorer == null || !scorer.isCaughtUp()) {
      throw new RequestProblem(503, catchingUp());
    }
    if (parts.length == 2) {
      List<Object> all = new ArrayList<>();
      scorer.latest().values().forEach(s -> all.add(SnapshotSummary.of(s)));
      return new Reply(200, all);
    }
    ModelSnapshot snapshot = scorer.latest(parts[2]).orElseThrow(
        () -> new RequestProblem(404, "no snapshot of model " + parts[2] + " on " + snapshotsTopic));
    return parts.length == 3 ? new Reply(200, SnapshotSummary.of(snapshot)) : predict(scorer, request, parts[2]);
  }

  /** Answers with the models of this scorer from now on. */
  void serve(SnapshotScorer scorer) {
    this.scorer = scorer;
  }

  private Reply predict(SnapshotScorer scorer, Request request, String modelId) throws RequestProblem, IOException {
    long length = request.getLength();
    if (length > maxBodyBytes) {
      throw new RequestProblem(413, "request body over the limit of " + maxBodyBytes + " bytes ("
          + ServeConfig.MAX_BODY_BYTES + "): it is " + length + " bytes");
    }
    // not closed: closing fails the request's content, and a body past the limit is still to be drained
    InputStream body = new BoundedBody(Content.Source.asInputStream(request), maxBodyBytes);
    List<double[]> instances = PredictRequest.read(body, maxInstances, scorer.featureNames(modelId).orElse(null));
    List<SnapshotScorer.Prediction> predictions;
    try {
      predictions = scorer.score(modelId, instances);
    } catch (SnapshotScorer.BadInstance e) {
      // a single "features" vector is instance 0 of its batch: name it only in batches
      throw instances.size() == 1 ? new RequestProblem(400, e.problem())
          : new RequestProblem(400, e.getMessage(), e.index());
    } catch (IllegalArgumentException e) {
      throw new RequestProblem(404, e.getMessage());
    }
    boolean regression = scorer.isRegression(modelId);
    List<Object> labels = new ArrayList<>();
    List<Object> outputs = new ArrayList<>();
    for (SnapshotScorer.Prediction p : predictions) {
      labels.add(p.label(regression));
      outputs.add(p.outputs());
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("model", modelId);
    result.put("version", predictions.isEmpty() ? scorer.latest(modelId).map(ModelSnapshot::getVersion).orElse(-1L)
        : predictions.get(0).version());
    result.put("predictions", labels);
    result.put("outputs", outputs);
    return new Reply(200, result);
  }

  private String catchingUp() {
    return "still reading " + snapshotsTopic + " up to its end, so as to answer with the latest models";
  }

  private static void requireMethod(String method, String allowed) throws RequestProblem {
    if (!method.equals(allowed)) {
      throw new RequestProblem(405, method + " is not allowed here: use " + allowed);
    }
  }

  private static void send(Response response, Reply reply, Callback callback) {
    byte[] bytes;
    try {
      bytes = reply.body() instanceof MetricsText metrics ? metrics.text().getBytes(StandardCharsets.UTF_8)
          : JSON.writeValueAsBytes(reply.body());
    } catch (IOException e) {
      callback.failed(e);
      return;
    }
    response.setStatus(reply.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE,
        reply.body() instanceof MetricsText ? Monitoring.CONTENT_TYPE : "application/json");
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }

  /**
   * Sends the answer, then reads and drops what is left of the body for at most {@link #LINGER}; a client
   * that asked to be told before sending (Expect: 100-continue) sends nothing more.
   */
  private static void answerThenDrain(Request request, Response response, Callback callback, Reply reply) {
    if (request.getHeaders().contains(HttpHeader.EXPECT, "100-continue")) {
      send(response, reply, callback);
      return;
    }
    Callback.Completable sent = new Callback.Completable();
    send(response, reply, sent);
    long deadline = System.nanoTime() + LINGER.toNanos();
    try (InputStream rest = Content.Source.asInputStream(request)) {
      sent.get(LINGER.toMillis(), TimeUnit.MILLISECONDS);
      byte[] sink = new byte[64 * 1024];
      while (System.nanoTime() < deadline && rest.read(sink) >= 0) {
        // dropped
      }
    } catch (Exception e) {
      // the client stopped sending or went away: the answer was sent, nothing left to do
    }
    callback.succeeded();
  }
}
