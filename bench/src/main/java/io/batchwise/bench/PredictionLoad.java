package io.batchwise.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Predict requests to {@code serve} at a steady rate, on a thread of its own, one model after another, each with
 * random features: the statuses it got and the latencies of the answers.
 */
final class PredictionLoad implements AutoCloseable {
  private final URI base;
  private final List<String> models;
  private final int featureCount;
  private final double requestsPerSecond;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, Long> statuses = new TreeMap<>();
  private final List<Long> latencyMicros = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  PredictionLoad(URI base, List<String> models, int featureCount, double requestsPerSecond) {
    this.base = base;
    this.models = List.copyOf(models);
    this.featureCount = featureCount;
    this.requestsPerSecond = requestsPerSecond;
    this.thread = new Thread(this::request, "soak-predictions");
  }

  PredictionLoad start() {
    thread.start();
    return this;
  }

  private void request() {
    Random random = new Random(7);
    long start = System.nanoTime();
    try {
      for (long i = 0; running; i++) {
        long wait = start + (long) (i * 1e9 / requestsPerSecond) - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        StringJoiner features = new StringJoiner(",", "{\"features\": [", "]}");
        for (int j = 0; j < featureCount; j++) {
          features.add(Double.toString(random.nextDouble()));
        }
        HttpRequest request = HttpRequest.newBuilder(base.resolve("models/" + models.get((int) (i % models.size()))
            + "/predict")).timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(features.toString()))
            .build();
        long sent = System.nanoTime();
        String status;
        try {
          status = Integer.toString(http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
        } catch (java.io.IOException e) {
          status = "no answer";
        }
        long micros = (System.nanoTime() - sent) / 1000;
        synchronized (this) {
          statuses.merge(status, 1L, Long::sum);
          latencyMicros.add(micros);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Requests per status code ("no answer" when the connection failed). */
  synchronized Map<String, Long> statuses() {
    return new TreeMap<>(statuses);
  }

  /** Latencies of every answer, in microseconds, sorted. */
  synchronized long[] sortedLatencyMicros() {
    return latencyMicros.stream().mapToLong(Long::longValue).sorted().toArray();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join();
  }
}
