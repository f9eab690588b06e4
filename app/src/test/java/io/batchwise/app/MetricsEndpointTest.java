package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.batchwise.app.monitoring.Monitoring;
import io.batchwise.client.SnapshotFollower;
import io.batchwise.learner.stream.LearnerConfig;
import io.batchwise.schemas.DenseFeatures;
import io.batchwise.schemas.LabelledEvent;
import io.batchwise.schemas.ModelSnapshot;
import io.batchwise.schemas.Serdes;

/**
 * {@code learn --http-port} and {@code serve}, each in its own JVM on a real broker, scraped on {@code /metrics}:
 * every line is in the Prometheus text format, and every per-model series is there with the model's figures,
 * beside the Kafka Streams, Kafka client and JVM metrics.
 */
class MetricsEndpointTest {
  @RegisterExtension
  static final TestKafkaCluster kafka = new TestKafkaCluster();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final int EVENTS = 400;
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void learnAndServeExposeEveryPerModelSeriesInThePrometheusTextFormat() throws Exception {
    String bootstrap = kafka.bootstrapServers();
    Path base = Files.createDirectories(Path.of("target", "metrics-endpoint-test")).toAbsolutePath();
    TopicSetup.ensureTopics(bootstrap, new LearnerConfig(Map.of()), 2);
    for (String model : List.of("a", "b")) {
      CommandRun ingest = CommandRun.inProcess("ingest", "--bootstrap", bootstrap, "--synthetic",
          "separable:d=4,n=" + EVENTS, "--model", model);
      assertEquals(0, ingest.exitCode(), ingest.err());
    }
    publishTwoBadEventsOfModelA(bootstrap);

    Map<String, String> environment = Map.of(Settings.BOOTSTRAP_ENV, bootstrap, "BATCHWISE_SNAPSHOT_INTERVAL_MS", "200");
    Path learnerLog = base.resolve("learner.log");
    Path serveLog = base.resolve("serve.log");
    Process learner = CommandRun.start(environment, learnerLog, "learn", "--quiet", "--http-port", "0",
        "--state-dir", Files.createTempDirectory(base, "state-").toString());
    Process serve = CommandRun.start(environment, serveLog, "serve", "--port", "0");
    try {
      URI learn = URI.create(await(() -> CommandRun.errOf(learnerLog), "health and metrics on (\\S+)"));
      URI scoring = URI.create(await(() -> read(serveLog), "serving (\\S+/)models"));
      assertEquals(200, get(learn, "healthz").statusCode());
      assertTrue(awaitStatus(learn, "readyz", 200), () -> "learn is ready: " + CommandRun.errOf(learnerLog));
      assertTrue(get(learn, "readyz").body().contains("\"state\":\"RUNNING\""));
      long version = awaitLearned(bootstrap).get("a").getVersion();

      String learnText = awaitText(learn, text -> text.contains("kafka_batchwise_learner_examples_seen{")
          && value(PrometheusText.parse(text), "kafka_batchwise_learner_examples_seen", "b") == EVENTS);
      Files.writeString(base.resolve("learn-metrics.txt"), learnText);  // to look at when a check fails
      List<PrometheusText.Sample> learnSamples = PrometheusText.parse(learnText);
      for (String model : List.of("a", "b")) {
        for (String series : List.of("examples_rate", "examples_total", "examples_seen", "batch_size", "learning_rate",
            "loss", "noise_scale", "snapshot_version", "lag", "arrival_rate")) {
          assertTrue(Double.isFinite(value(learnSamples, "kafka_batchwise_learner_" + series, model)) || series.equals(
              "noise_scale"), series + " of " + model);
        }
        assertEquals(EVENTS, value(learnSamples, "kafka_batchwise_learner_examples_seen", model));
        assertEquals(EVENTS, value(learnSamples, "kafka_batchwise_learner_examples_total", model));
        assertTrue(value(learnSamples, "kafka_batchwise_learner_loss", model) > 0);
      }
      assertTrue(value(learnSamples, "kafka_batchwise_learner_snapshot_version", "a") >= version);
      assertEquals(1.0, deadLetters(learnSamples, "kafka_batchwise_learner_dead_letters_total", "undecodable"));
      assertEquals(1.0, deadLetters(learnSamples, "kafka_batchwise_learner_dead_letters_total", "non-finite"));
      assertHas(learnSamples, "kafka_stream_thread_process_total");
      assertHas(learnSamples, "kafka_consumer_fetch_manager_records_lag");
      assertHas(learnSamples, "kafka_producer_record_send_total");
      assertHas(learnSamples, "jvm_memory_used_bytes");
      assertHas(learnSamples, "process_files_open_files");

      assertTrue(awaitStatus(scoring, "readyz", 200), () -> "serve is ready: " + CommandRun.errOf(serveLog));
      assertEquals(200, post(scoring, "models/a/predict", "{\"features\": [1, 2, 3, 4]}").statusCode());
      assertEquals(400, post(scoring, "models/a/predict", "{\"features\": [1, 2]}").statusCode());
      HttpResponse<String> scrape = get(scoring, "metrics");
      assertEquals(Monitoring.CONTENT_TYPE, scrape.headers().firstValue("Content-Type").orElse(""));
      Files.writeString(base.resolve("serve-metrics.txt"), scrape.body());
      List<PrometheusText.Sample> serveSamples = PrometheusText.parse(scrape.body());
      for (String model : List.of("a", "b")) {
        assertEquals(EVENTS, value(serveSamples, "batchwise_serve_model_examples_seen", model));
        for (String series : List.of("version", "loss", "recent_loss", "snapshot_age_seconds")) {
          assertTrue(Double.isFinite(value(serveSamples, "batchwise_serve_model_" + series, model)), series);
        }
      }
      assertEquals(2.0, value(serveSamples, "batchwise_serve_model_dead_letters", "a"));
      assertEquals(1.0, requests(serveSamples, "success"));
      assertEquals(1.0, requests(serveSamples, "client_error"));
      assertHas(serveSamples, "kafka_consumer_fetch_manager_records_consumed_total");
      assertHas(serveSamples, "jvm_threads_live_threads");
    } finally {
      for (Process process : List.of(learner, serve)) {
        process.destroy();
        process.waitFor(60, TimeUnit.SECONDS);
      }
    }
  }

  /** An undecodable record and one with a NaN feature, both keyed by model a: dead letters of two reasons. */
  private static void publishTwoBadEventsOfModelA(String bootstrap) {
    LabelledEvent nan = LabelledEvent.newBuilder().setModelId("a").setEventId("nan").setEventTime(Instant.now())
        .setFeatures(new DenseFeatures(List.of(1.0, Double.NaN, 3.0, 4.0))).setLabel(1).build();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
        new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>("events", "a", "not an event".getBytes(StandardCharsets.UTF_8)));
      producer.send(new ProducerRecord<>("events", "a", Serdes.labelledEvent().serialize("events", nan)));
    }
  }

  private static double value(List<PrometheusText.Sample> samples, String name, String model) {
    return samples.stream().filter(s -> s.name().equals(name) && model.equals(s.label("model_id")))
        .mapToDouble(PrometheusText.Sample::value).findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " of model " + model));
  }

  private static double deadLetters(List<PrometheusText.Sample> samples, String name, String reason) {
    return samples.stream().filter(s -> s.name().equals(name) && "a".equals(s.label("model_id"))
        && reason.equals(s.label("reason"))).mapToDouble(PrometheusText.Sample::value).findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " of reason " + reason));
  }

  private static double requests(List<PrometheusText.Sample> samples, String outcome) {
    return samples.stream().filter(s -> s.name().equals("batchwise_serve_requests_seconds_count")
            && "predict".equals(s.label("endpoint")) && "a".equals(s.label("model_id"))
            && outcome.equals(s.label("outcome"))).mapToDouble(PrometheusText.Sample::value).sum();
  }

  private static void assertHas(List<PrometheusText.Sample> samples, String name) {
    assertFalse(samples.stream().noneMatch(s -> s.name().equals(name)), "a series " + name);
  }

  private static Map<String, ModelSnapshot> awaitLearned(String bootstrap) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Map<String, ModelSnapshot> latest = Map.of();
    while (System.nanoTime() < deadline) {
      latest = new SnapshotFollower(Map.of("bootstrap.servers", bootstrap), "model-snapshots")
          .readToEnd(Duration.ofSeconds(30));
      if (latest.size() == 2 && latest.values().stream().allMatch(s -> s.getExamplesSeen() == EVENTS)) {
        return latest;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the models did not learn every event: " + latest.keySet());
  }

  /** The first group of {@code pattern} in what {@code text} gives, once it is there. */
  private static String await(java.util.function.Supplier<String> text, String pattern) throws InterruptedException {
    Pattern wanted = Pattern.compile(pattern);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = wanted.matcher(text.get());
      if (m.find()) {
        return m.group(1);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("never printed '" + pattern + "': " + text.get());
  }

  private static String awaitText(URI base, Predicate<String> complete) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    String text = "";
    while (System.nanoTime() < deadline) {
      text = get(base, "metrics").body();
      if (complete.test(text)) {
        return text;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the scrape never had every series:\n" + text);
  }

  private static boolean awaitStatus(URI base, String path, int status) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (get(base, path).statusCode() == status) {
        return true;
      }
      Thread.sleep(200);
    }
    return false;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private static HttpResponse<String> get(URI base, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(URI base, String path, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
