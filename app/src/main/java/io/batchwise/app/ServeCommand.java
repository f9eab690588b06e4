package io.batchwise.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

import org.apache.kafka.clients.consumer.ConsumerConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.batchwise.client.SnapshotScorer;
import io.batchwise.learner.stream.LearnerConfig;
import io.batchwise.schemas.ModelSnapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serves the latest snapshot of every model over HTTP: GET /models, GET /models/{id}, "
        + "POST /models/{id}/predict with {\"features\": [...]} or {\"instances\": [[...], ...]}.")
final class ServeCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin
  KafkaOptions kafka;

  @Option(names = "--port", defaultValue = "${env:BATCHWISE_SERVE_PORT:-8080}", description = "HTTP port; 0 picks a free one (env BATCHWISE_SERVE_PORT; default: 8080).")
  int port;

  @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  private SnapshotScorer scorer;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> settings = kafka.settings(Map.of());
    String servers = KafkaOptions.reachableServers(settings);
    LearnerConfig config = new LearnerConfig(settings);
    TopicSetup.ensureTopics(servers, config, 1);
    scorer = SnapshotScorer.follow(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers), config.snapshotsTopic());
    HttpServer server = start(new InetSocketAddress(host, port));
    System.out.println("serving http://" + host + ":" + server.getAddress().getPort() + "/models");
    System.out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.stop(1);
      scorer.close();
      stopped.countDown();
    }, "serve-shutdown"));
    stopped.await();
    return 0;
  }

  /** Starts the HTTP server on an existing scorer (also used by tests). */
  HttpServer start(SnapshotScorer scorer, InetSocketAddress address) throws IOException {
    this.scorer = scorer;
    return start(address);
  }

  private HttpServer start(InetSocketAddress address) throws IOException {
    HttpServer server = HttpServer.create(address, 64);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    return server;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String[] parts = exchange.getRequestURI().getPath().replaceAll("/+$", "").split("/");
      String method = exchange.getRequestMethod();
      if (parts.length == 2 && parts[1].equals("models") && method.equals("GET")) {
        List<Object> all = new ArrayList<>();
        scorer.latest().values().forEach(s -> all.add(SnapshotSummary.of(s)));
        reply(exchange, 200, all);
      } else if (parts.length == 3 && parts[1].equals("models") && method.equals("GET")) {
        ModelSnapshot s = scorer.latest(parts[2]).orElse(null);
        if (s == null) {
          reply(exchange, 404, Map.of("error", "no snapshot of model " + parts[2]));
        } else {
          reply(exchange, 200, SnapshotSummary.of(s));
        }
      } else if (parts.length == 4 && parts[1].equals("models") && parts[3].equals("predict") && method.equals("POST")) {
        predict(exchange, parts[2]);
      } else if (parts.length == 2 && parts[1].equals("health")) {
        reply(exchange, 200, Map.of("status", "ok"));
      } else {
        reply(exchange, 404, Map.of("error", "no such endpoint: " + method + " " + exchange.getRequestURI().getPath()));
      }
    } catch (RuntimeException e) {
      reply(exchange, 500, Map.of("error", String.valueOf(e.getMessage())));
    }
  }

  private void predict(HttpExchange exchange, String modelId) throws IOException {
    if (scorer.latest(modelId).isEmpty()) {
      reply(exchange, 404, Map.of("error", "no snapshot of model " + modelId));
      return;
    }
    List<double[]> instances;
    try (InputStream body = exchange.getRequestBody()) {
      instances = instances(JSON.readTree(body));
    } catch (IOException | IllegalArgumentException e) {
      reply(exchange, 400, Map.of("error", "expected {\"features\": [numbers]} or {\"instances\": [[numbers], ...]}: "
          + e.getMessage()));
      return;
    }
    List<Object> predictions = new ArrayList<>();
    List<Object> outputs = new ArrayList<>();
    long version = -1;
    boolean regression = scorer.isRegression(modelId);
    try {
      for (double[] x : instances) {
        SnapshotScorer.Prediction p = scorer.score(modelId, x);
        version = p.version();
        predictions.add(p.label(regression));
        outputs.add(p.outputs());
      }
    } catch (IllegalArgumentException e) {
      reply(exchange, 400, Map.of("error", e.getMessage()));
      return;
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("model", modelId);
    result.put("version", version);
    result.put("predictions", predictions);
    result.put("outputs", outputs);
    reply(exchange, 200, result);
  }

  static List<double[]> instances(JsonNode body) {
    List<double[]> instances = new ArrayList<>();
    if (body != null && body.has("features")) {
      instances.add(vector(body.get("features")));
    } else if (body != null && body.has("instances") && body.get("instances").isArray()) {
      body.get("instances").forEach(node -> instances.add(vector(node)));
    } else {
      throw new IllegalArgumentException("no features");
    }
    return instances;
  }

  private static double[] vector(JsonNode node) {
    if (node == null || !node.isArray()) {
      throw new IllegalArgumentException("features must be an array of numbers");
    }
    double[] x = new double[node.size()];
    for (int i = 0; i < x.length; i++) {
      if (!node.get(i).isNumber()) {
        throw new IllegalArgumentException("feature " + i + " is not a number");
      }
      x[i] = node.get(i).asDouble();
    }
    return x;
  }

  private static void reply(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
