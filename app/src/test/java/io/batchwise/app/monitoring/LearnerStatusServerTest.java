package io.batchwise.app.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** learn's endpoints before the learner runs (still waiting for Kafka), and the keys that place them. */
class LearnerStatusServerTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void upButNotReadyWhileTheLearnerWaitsForKafka() throws Exception {
    try (LearnerStatusServer status = LearnerStatusServer.start(new LearnerHttpConfig(Map.of(LearnerHttpConfig.PORT, 0)))) {
      URI base = status.uri();
      assertTrue(base.toString().startsWith("http://127.0.0.1:"), "loopback by default: " + base);
      HttpResponse<String> health = get(base, "healthz");
      assertEquals(200, health.statusCode());
      assertEquals("{\"status\":\"up\",\"state\":\"waiting for Kafka\"}", health.body());
      HttpResponse<String> ready = get(base, "readyz");
      assertEquals(503, ready.statusCode());
      assertEquals("1", ready.headers().firstValue("Retry-After").orElse(""));
      HttpResponse<String> metrics = get(base, "metrics");
      assertEquals(200, metrics.statusCode());
      assertEquals(Monitoring.CONTENT_TYPE, metrics.headers().firstValue("Content-Type").orElse(""));
      assertTrue(metrics.body().contains("\njvm_threads_live_threads "), "the JVM's meters from the start");
      assertEquals(404, get(base, "models").statusCode());
      assertEquals(405, HTTP.send(HttpRequest.newBuilder(base.resolve("metrics"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }
  }

  @Test
  void offByDefaultAndRefusesAPortOutOfRange() {
    assertEquals(false, new LearnerHttpConfig(Map.of()).enabled());
    assertEquals("127.0.0.1", new LearnerHttpConfig(Map.of()).host());
    assertThrows(ConfigException.class, () -> new LearnerHttpConfig(Map.of(LearnerHttpConfig.PORT, "70000")));
  }

  @Test
  void anAddressInUseIsOneLineNamingTheKey() throws Exception {
    try (LearnerStatusServer first = LearnerStatusServer.start(new LearnerHttpConfig(Map.of(LearnerHttpConfig.PORT, 0)))) {
      int port = first.uri().getPort();
      IOException e = assertThrows(IOException.class, () -> LearnerStatusServer.start(
          new LearnerHttpConfig(Map.of(LearnerHttpConfig.PORT, port))));
      assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + port + " (learn.http.port): "), e.getMessage());
    }
  }

  private static HttpResponse<String> get(URI base, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
