package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.batchwise.app.serve.ScoringServer;
import io.batchwise.app.serve.ServeConfig;
import io.batchwise.client.SnapshotFollower;
import io.batchwise.client.SnapshotScorer;

/** The scoring server against a real broker, with snapshots the real learner published. */
class ServeIntegrationTest {
  @RegisterExtension
  static final TestKafkaCluster kafka = new TestKafkaCluster();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOPIC = "model-snapshots";
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir
  static Path dir;

  private static SnapshotScorer scorer;
  private static ScoringServer server;
  private static long latestVersion;

  @BeforeAll
  static void learnAModelAndServeIt() throws Exception {
    assertEquals(1000, PipelineRun.learnSyntheticEvents(kafka.bootstrapServers(), dir, 1000, Duration.ofMinutes(2)));
    latestVersion = new SnapshotFollower(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), TOPIC)
        .readToEnd(Duration.ofSeconds(30)).get("it").getVersion();
    scorer = follow(kafka.bootstrapServers());
    server = ScoringServer.start(scorer, TOPIC, config(Map.of(ServeConfig.MAX_BODY_BYTES, 65536,
        ServeConfig.MAX_INSTANCES, 100)));
    assertEquals(200, awaitReady(server.uri()));
  }

  @AfterAll
  static void stop() {
    server.close();
    scorer.close();
  }

  private static SnapshotScorer follow(String bootstrap) {
    return SnapshotScorer.follow(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), TOPIC);
  }

  private static ServeConfig config(Map<String, Object> settings) {
    Map<String, Object> all = new HashMap<>(Map.of(ServeConfig.PORT, 0));
    all.putAll(settings);
    return new ServeConfig(all);
  }

  private static int awaitReady(URI base) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int status;
    do {
      status = get(base, "readyz").statusCode();
      if (status != 200) {
        Thread.sleep(50);
      }
    } while (status != 200 && System.nanoTime() < deadline);
    return status;
  }

  private static HttpResponse<String> get(URI base, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(URI base, String path, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String error(HttpResponse<String> response) throws Exception {
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
    return JSON.readTree(response.body()).get("error").asText();
  }

  @Test
  void readyOnlyOnceTheSnapshotsTopicIsReadToItsEnd() throws Exception {
    try (ScoringServer withoutKafka = ScoringServer.start(TOPIC, config(Map.of()))) {
      assertEquals(200, get(withoutKafka.uri(), "healthz").statusCode());
      assertEquals(503, get(withoutKafka.uri(), "readyz").statusCode());
      assertEquals(503, get(withoutKafka.uri(), "models/it").statusCode());
    }
    try (SnapshotScorer stuck = follow("127.0.0.1:1");
         ScoringServer notReady = ScoringServer.start(stuck, TOPIC, config(Map.of()))) {
      URI base = notReady.uri();
      HttpResponse<String> health = get(base, "healthz");
      assertEquals(200, health.statusCode());
      assertEquals("up", JSON.readTree(health.body()).get("status").asText());
      HttpResponse<String> ready = get(base, "readyz");
      assertEquals(503, ready.statusCode());
      assertEquals("catching up", JSON.readTree(ready.body()).get("status").asText());
      HttpResponse<String> models = get(base, "models");
      assertEquals(503, models.statusCode());
      assertEquals("1", models.headers().firstValue("Retry-After").orElse(""));
      assertEquals("still reading model-snapshots up to its end, so as to answer with the latest models", error(models));
    }
    HttpResponse<String> ready = get(server.uri(), "readyz");
    assertEquals(200, ready.statusCode());
    assertEquals(1, JSON.readTree(ready.body()).get("models").asInt());
  }

  @Test
  void theFirstAnswerOfAFreshServerComesFromTheLatestVersion() throws Exception {
    try (SnapshotScorer fresh = follow(kafka.bootstrapServers());
         ScoringServer started = ScoringServer.start(fresh, TOPIC, config(Map.of()))) {
      assertEquals(200, awaitReady(started.uri()));
      HttpResponse<String> predicted = post(started.uri(), "models/it/predict", "{\"instances\": [[3, 3], [-3, -3]]}");
      assertEquals(200, predicted.statusCode(), predicted.body());
      JsonNode body = JSON.readTree(predicted.body());
      assertEquals(latestVersion, body.get("version").asLong());
      assertEquals(1.0, body.get("predictions").get(0).asDouble());
      assertEquals(0.0, body.get("predictions").get(1).asDouble());
      HttpResponse<String> model = get(started.uri(), "models/it");
      assertEquals(latestVersion, JSON.readTree(model.body()).get("version").asLong());
      assertEquals(1000, JSON.readTree(model.body()).get("examplesSeen").asLong());
    }
  }

  @Test
  void errorsAreJsonInWords() throws Exception {
    URI base = server.uri();
    HttpResponse<String> malformed = post(base, "models/it/predict", "{\"features\": [1, 2");
    assertEquals(400, malformed.statusCode());
    assertEquals("malformed JSON: the body ends before its JSON does", error(malformed));
    HttpResponse<String> nan = post(base, "models/it/predict", "{\"features\": [1, NaN]}");
    assertEquals(400, nan.statusCode());
    assertEquals("feature 1 is NaN: features must be finite numbers", error(nan));
    HttpResponse<String> short1 = post(base, "models/it/predict", "{\"instances\": [[1, 2], [3], [4, 5]]}");
    assertEquals(400, short1.statusCode());
    assertEquals("instance 1: model it takes 2 features, got 1", error(short1));
    assertEquals(1, JSON.readTree(short1.body()).get("instance").asInt());
    HttpResponse<String> unknown = post(base, "models/nope/predict", "{\"features\": [1, 2]}");
    assertEquals(404, unknown.statusCode());
    assertEquals("no snapshot of model nope on model-snapshots", error(unknown));
    assertEquals(405, get(base, "models/it/predict").statusCode());
    assertEquals(404, get(base, "metrics/x").statusCode());
    HttpResponse<String> many = post(base, "models/it/predict", "{\"instances\": [" + "[1, 2],".repeat(100) + "[1, 2]]}");
    assertEquals(413, many.statusCode());
    assertTrue(error(many).startsWith("more than the limit of 100 instances in one request"), many.body());
    HttpResponse<String> big = post(base, "models/it/predict", "{\"features\": [" + "1,".repeat(40_000) + "1]}");
    assertEquals(413, big.statusCode());
    assertEquals("request body over the limit of 65536 bytes (serve.max.body.bytes): it is 80017 bytes", error(big));
    assertEquals(200, post(base, "models/it/predict", "{\"features\": [1, 2]}").statusCode(), "and it serves on");
  }

  @Test
  void manyConcurrentClientsAreAllAnswered() throws Exception {
    int clients = 8;
    int requests = 250;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<List<String>>> results = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        results.add(pool.submit(() -> {
          List<String> wrong = new ArrayList<>();
          for (int r = 0; r < requests; r++) {
            double x = (r % 2 == 0 ? 1 : -1) * (1 + client);
            HttpResponse<String> response = post(server.uri(), "models/it/predict",
                "{\"features\": [" + x + ", " + x + "]}");
            JsonNode body = response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
            if (body == null || body.get("version").asLong() != latestVersion
                || body.get("predictions").get(0).asDouble() != (x > 0 ? 1.0 : 0.0)) {
              wrong.add(response.statusCode() + " " + response.body());
            }
          }
          return wrong;
        }));
      }
      for (Future<List<String>> result : results) {
        assertEquals(List.of(), result.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aBearerTokenGuardsAllButTheHealthChecks() throws Exception {
    try (ScoringServer guarded = ScoringServer.start(scorer, TOPIC, config(Map.of(ServeConfig.TOKEN, "s3cret")))) {
      URI base = guarded.uri();
      assertEquals(200, get(base, "healthz").statusCode());
      assertEquals(200, get(base, "readyz").statusCode());
      HttpResponse<String> none = get(base, "models");
      assertEquals(401, none.statusCode());
      assertEquals("Bearer realm=\"batchwise\"", none.headers().firstValue("WWW-Authenticate").orElse(""));
      assertEquals("this server needs a bearer token: send Authorization: Bearer TOKEN", error(none));
      HttpResponse<String> wrong = HTTP.send(HttpRequest.newBuilder(base.resolve("models"))
          .header("Authorization", "Bearer guess").build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(401, wrong.statusCode());
      assertEquals("wrong bearer token", error(wrong));
      HttpResponse<String> right = HTTP.send(HttpRequest.newBuilder(base.resolve("models/it/predict"))
          .header("Authorization", "Bearer s3cret").POST(HttpRequest.BodyPublishers.ofString("{\"features\": [1, 1]}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, right.statusCode(), right.body());
    }
  }

  @Test
  void servesHttpsFromAKeystore() throws Exception {
    Path keystore = dir.resolve("serve.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", "serve", "-keyalg", "EC", "-groupname",
        "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
        "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit")
        .redirectErrorStream(true).start();
    assertEquals(0, process.waitFor(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    IllegalArgumentException wrongPassword = assertThrows(IllegalArgumentException.class,
        () -> ScoringServer.start(scorer, TOPIC, config(Map.of(ServeConfig.TLS_KEYSTORE, keystore.toString(),
            ServeConfig.TLS_KEYSTORE_PASSWORD, "wrong"))));
    assertEquals("serve.tls.keystore: cannot read " + keystore + ": wrong password (serve.tls.keystore.password)",
        wrongPassword.getMessage());
    try (ScoringServer tls = ScoringServer.start(scorer, TOPIC, config(Map.of(ServeConfig.TLS_KEYSTORE,
        keystore.toString(), ServeConfig.TLS_KEYSTORE_PASSWORD, "changeit")))) {
      assertEquals("https", tls.uri().getScheme());
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(KeyStore.getInstance(keystore.toFile(), "changeit".toCharArray()));
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      HttpClient https = HttpClient.newBuilder().sslContext(context).build();
      HttpResponse<String> models = https.send(HttpRequest.newBuilder(tls.uri().resolve("models")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, models.statusCode());
      assertEquals(latestVersion, JSON.readTree(models.body()).get(0).get("version").asLong());
    }
  }

  /** Writes {"features": [0,0,0,...]} of exactly the given size, without holding it. */
  private static final class HugeBody extends InputStream {
    private static final byte[] HEAD = "{\"features\": [".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TAIL = "0]}".getBytes(StandardCharsets.UTF_8);
    private final long size;
    private long position;

    HugeBody(long size) {
      this.size = size;
    }

    @Override
    public int read() {
      if (position == size) {
        return -1;
      }
      long i = position++;
      if (i < HEAD.length) {
        return HEAD[(int) i];
      }
      if (i >= size - TAIL.length) {
        return TAIL[(int) (i - (size - TAIL.length))];
      }
      return (i - HEAD.length) % 2 == 0 ? '0' : ',';
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (position == size) {
        return -1;
      }
      int n = (int) Math.min(length, size - position);
      for (int k = 0; k < n; k++) {
        buffer[offset + k] = (byte) read();
      }
      return n;
    }
  }

  @Test
  void a300MegabyteBodyIsAnswered413WithinSecondsAndTheServerServesOn() throws Exception {
    // its own process with a 64 MB heap: were a body held in memory, it would die of it
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    File log = dir.resolve("serve.log").toFile();
    Process serve = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
        "io.batchwise.app.Main", "serve", "--bootstrap", kafka.bootstrapServers(), "--port", "0")
        .redirectError(log).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
      Matcher serving = Pattern.compile("serving (http://\\S+/)models").matcher(String.valueOf(out.readLine()));
      assertTrue(serving.find(), Files.readString(log.toPath()));
      URI base = URI.create(serving.group(1));
      assertEquals(200, awaitReady(base));
      long size = 300L << 20;
      for (boolean chunked : new boolean[] {false, true}) {
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofInputStream(() -> new HugeBody(size));
        long start = System.nanoTime();
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(base.resolve("models/it/predict"))
            .POST(chunked ? body : HttpRequest.BodyPublishers.fromPublisher(body, size)).build(),
            HttpResponse.BodyHandlers.ofString());
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(413, response.statusCode(), response.body());
        assertTrue(error(response).startsWith("request body over the limit of 1048576 bytes (serve.max.body.bytes)"),
            response.body());
        assertTrue(seconds < 30, "413 after " + seconds + " s");
        HttpResponse<String> next = post(base, "models/it/predict", "{\"features\": [1, 1]}");
        assertEquals(200, next.statusCode(), next.body());
        assertEquals(latestVersion, JSON.readTree(next.body()).get("version").asLong());
      }
      assertTrue(serve.isAlive());
      assertFalse(Files.readString(log.toPath()).contains("OutOfMemoryError"), Files.readString(log.toPath()));
    } finally {
      serve.destroy();
      serve.waitFor();
    }
  }
}
