package io.batchwise.app.monitoring;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.batchwise.learner.stream.StreamingLearner;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;

/**
 * {@code learn}'s health and metrics over HTTP: {@code GET /healthz} (200 while the learner is not failed or
 * stopping), {@code GET /readyz} (200 once Kafka Streams is RUNNING, every assigned task running with its state
 * restored; 503 before, and while it rebalances or restores) and {@code GET /metrics} (Prometheus text: the
 * learner's per-model metrics and every Kafka Streams and Kafka client metric, through Micrometer's
 * {@link KafkaStreamsMetrics}, beside the JVM's). Up before Kafka answers, so that a health check can tell a
 * learner waiting for its broker from a dead one.
 */
public final class LearnerStatusServer implements AutoCloseable {
  /**
   * How often the binder looks for metrics Kafka Streams added or removed (a new model's, a moved task's):
   * Micrometer's default is a minute.
   */
  static final Duration METRICS_REFRESH = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Server server;
  private final ServerConnector connector;
  private final Monitoring monitoring;
  private final ScheduledExecutorService refresher;
  private volatile StreamingLearner learner;

  private LearnerStatusServer(Server server, ServerConnector connector, Monitoring monitoring,
      ScheduledExecutorService refresher) {
    this.server = server;
    this.connector = connector;
    this.monitoring = monitoring;
    this.refresher = refresher;
  }

  /**
   * Starts answering: {@code /readyz} is 503 until {@link #watch} gives it the learner.
   *
   * @throws IOException when the address cannot be bound
   */
  public static LearnerStatusServer start(LearnerHttpConfig config) throws IOException {
    QueuedThreadPool threads = new QueuedThreadPool(4, 1);
    threads.setName("learn-http");
    threads.setReservedThreads(0);
    Server server = new Server(threads);
    ServerConnector connector = new ServerConnector(server, 1, 1);
    connector.setHost(config.host());
    connector.setPort(config.port());
    server.addConnector(connector);
    Monitoring monitoring = new Monitoring();
    ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "learn-metrics-refresh");
      thread.setDaemon(true);
      return thread;
    });
    LearnerStatusServer status = new LearnerStatusServer(server, connector, monitoring, refresher);
    server.setHandler(status.new Endpoints());
    try {
      server.start();
    } catch (Exception e) {
      status.close();
      throw new IOException("cannot listen on " + config.host() + ":" + config.port() + " (" + LearnerHttpConfig.PORT
          + "): " + e.getMessage(), e);
    }
    return status;
  }

  /** From now on answers for this learner, and its metrics are on {@code /metrics}. */
  public void watch(StreamingLearner learner) {
    KafkaStreams streams = learner.streams();
    monitoring.bind(new KafkaStreamsMetrics(streams, Tags.empty(), refresher, METRICS_REFRESH));
    this.learner = learner;
  }

  /** Where it answers, e.g. {@code http://127.0.0.1:9464/}. */
  public URI uri() {
    String host = connector.getHost() == null || connector.getHost().equals("0.0.0.0") ? "localhost"
        : connector.getHost();
    return URI.create("http://" + host + ":" + connector.getLocalPort() + "/");
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      // stopping: nothing more to answer
    }
    monitoring.close();
    refresher.shutdownNow();
  }

  private final class Endpoints extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws IOException {
      String path = request.getHttpURI().getDecodedPath().replaceAll("/+$", "");
      if (!request.getMethod().equals("GET")) {
        return json(response, callback, 405, Map.of("error", request.getMethod() + " is not allowed here: use GET"));
      }
      switch (path) {
        case "/metrics":
          monitoring.answer(response, callback);
          return true;
        case "/healthz":
          return health(response, callback);
        case "/readyz":
          return readiness(response, callback);
        default:
          return json(response, callback, 404,
              Map.of("error", "no such endpoint: " + path + " (endpoints: /healthz, /readyz, /metrics)"));
      }
    }

    private boolean health(Response response, Callback callback) throws IOException {
      StreamingLearner current = learner;
      KafkaStreams.State state = current == null ? null : current.state();
      boolean up = state == null || !(state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
          || state == KafkaStreams.State.PENDING_SHUTDOWN || state == KafkaStreams.State.NOT_RUNNING);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", up ? "up" : "down");
      body.put("state", state == null ? "waiting for Kafka" : state.toString());
      return json(response, callback, up ? 200 : 503, body);
    }

    private boolean readiness(Response response, Callback callback) throws IOException {
      StreamingLearner current = learner;
      Map<String, Object> body = new LinkedHashMap<>();
      if (current == null) {
        body.put("status", "starting");
        body.put("detail", "waiting for Kafka");
        return json(response, callback, 503, body);
      }
      StreamingLearner.Readiness readiness = current.readiness();
      body.put("status", readiness.ready() ? "ready" : "not ready");
      body.put("state", readiness.state().toString());
      body.put("tasks", readiness.tasks());
      body.put("restoringStores", readiness.restoringStores());
      return json(response, callback, readiness.ready() ? 200 : 503, body);
    }

    private boolean json(Response response, Callback callback, int status, Object body) throws IOException {
      response.setStatus(status);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      if (status == 503) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
      }
      response.write(true, ByteBuffer.wrap(JSON.writeValueAsBytes(body)), callback);
      return true;
    }
  }
}
