package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import io.batchwise.app.dashboard.Dashboard;
import io.batchwise.app.dashboard.MetricsFollower;
import io.batchwise.app.serve.ScoringServer;
import io.batchwise.app.serve.ServeConfig;
import io.batchwise.client.SnapshotScorer;
import io.batchwise.learner.stream.LearnerConfig;
import io.batchwise.learner.stream.StreamingLearner;
import io.batchwise.schemas.DenseFeatures;
import io.batchwise.schemas.LabelledEvent;
import io.batchwise.schemas.Serdes;

/**
 * The dashboard in a real browser (headless Chromium driven by Selenium) while the real learner learns a stream on
 * a real broker: every chart draws, and the charts and the models' versions move on as new summaries arrive.
 */
class DashboardBrowserTest {
  @RegisterExtension
  static final TestKafkaCluster kafka = new TestKafkaCluster();
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  static Path dir;

  private static final AtomicBoolean producing = new AtomicBoolean(true);
  private static Thread producer;
  private static StreamingLearner learner;
  private static SnapshotScorer scorer;
  private static MetricsFollower metrics;
  private static ScoringServer server;
  private static ChromeDriver browser;
  /** Held, so that its level stays: Selenium warns on every run that it has no DevTools of this Chromium's version. */
  private static final java.util.logging.Logger SELENIUM = java.util.logging.Logger.getLogger("org.openqa.selenium");

  /** Debian's chromium and chromedriver, or another Chrome and its driver on the path. */
  private record Chromium(Path browser, Path driver) {
    static Optional<Chromium> find() {
      Optional<Path> browser = onPath("chromium", "chromium-browser", "google-chrome");
      Optional<Path> driver = onPath("chromedriver");
      return browser.isPresent() && driver.isPresent() ? Optional.of(new Chromium(browser.get(), driver.get()))
          : Optional.empty();
    }

    private static Optional<Path> onPath(String... names) {
      for (String folder : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        for (String name : names) {
          Path candidate = Path.of(folder, name);
          if (Files.isExecutable(candidate)) {
            return Optional.of(candidate);
          }
        }
      }
      return Optional.empty();
    }
  }

  @BeforeAll
  static void learnAStreamAndOpenTheDashboard() throws Exception {
    Optional<Chromium> chromium = Chromium.find();
    Assumptions.assumeTrue(chromium.isPresent(),
        "no chromium and chromedriver on the PATH (apt-get install chromium chromium-driver): the dashboard's browser test skips");
    Map<String, Object> settings = PipelineRun.learnerSettings(kafka.bootstrapServers(), dir, "goodput");
    LearnerConfig config = new LearnerConfig(settings);
    TopicSetup.ensureTopics(kafka.bootstrapServers(), config, 1);
    producer = new Thread(() -> produce(config.eventsTopic()), "dashboard-test-producer");
    producer.start();
    learner = StreamingLearner.start(settings);

    Map<String, Object> client = Map.of("bootstrap.servers", kafka.bootstrapServers());
    scorer = SnapshotScorer.follow(client, config.snapshotsTopic());
    metrics = new MetricsFollower(client, config.metricsTopic());
    Dashboard dashboard = new Dashboard(600);
    dashboard.follow("", scorer::latest, metrics);
    metrics.start();
    server = ScoringServer.start(config.snapshotsTopic(), new ServeConfig(Map.of(ServeConfig.PORT, 0)), dashboard);
    server.serve(scorer);

    SELENIUM.setLevel(java.util.logging.Level.SEVERE);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.get().browser().toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--window-size=1400,1300");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(chromium.get().driver().toFile()).usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
    browser.get(server.uri().toString());
  }

  /** About 400 events a second of a learnable concept, until the test ends. */
  private static void produce(String topic) {
    try (KafkaProducer<String, byte[]> out = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
      Random random = new Random(3);
      for (int i = 0; producing.get(); i++) {
        double x0 = random.nextGaussian();
        double x1 = random.nextGaussian();
        LabelledEvent event = LabelledEvent.newBuilder().setModelId("live").setEventId("e" + i)
            .setEventTime(Instant.now()).setFeatures(new DenseFeatures(List.of(x0, x1)))
            .setLabel(x0 - x1 + 0.5 * random.nextGaussian() > 0 ? 1 : 0).build();
        out.send(new ProducerRecord<>(topic, "live", Serdes.labelledEvent().serialize(topic, event)));
        if (i % 20 == 19) {
          Thread.sleep(50);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    producing.set(false);
    if (browser != null) {
      browser.quit();
    }
    for (AutoCloseable part : new AutoCloseable[] {server, metrics, scorer, learner}) {
      if (part != null) {
        part.close();
      }
    }
    if (producer != null) {
      producer.join(10_000);
    }
  }

  /** Points drawn by each chart on the page, in page order (-1 for a canvas without a chart). */
  @SuppressWarnings("unchecked")
  private static List<Long> pointsPerChart() {
    return (List<Long>) ((JavascriptExecutor) browser).executeScript(
        "return Array.from(document.querySelectorAll('canvas')).map(c => { const chart = Chart.getChart(c);"
            + " return chart ? chart.data.datasets.reduce((n, d) => n + d.data.filter(p => p.y != null).length, 0)"
            + " : -1; });");
  }

  /** Pixels each chart's canvas has painted (axes, grid, lines). */
  @SuppressWarnings("unchecked")
  private static List<Long> paintedPixels() {
    return (List<Long>) ((JavascriptExecutor) browser).executeScript(
        "return Array.from(document.querySelectorAll('canvas')).map(c => { const d = c.getContext('2d')"
            + ".getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 3; i < d.length; i += 4)"
            + " { if (d[i] > 0) n++; } return n; });");
  }

  private static long version() {
    String text = browser.findElement(By.cssSelector("#models tr[data-series='live'] td.version")).getText();
    return Long.parseLong(text.substring(1));
  }

  private static <T> T await(String what, Supplier<T> value, java.util.function.Predicate<T> done) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    T last = value.get();
    while (!done.test(last)) {
      assertTrue(System.nanoTime() < deadline, what + " within " + WAIT.toSeconds() + " s; last: " + last);
      Thread.sleep(250);
      last = value.get();
    }
    return last;
  }

  private static Optional<Long> versionShown() {
    try {
      return Optional.of(version());
    } catch (RuntimeException e) {
      return Optional.empty();  // no row yet
    }
  }

  @Test
  void everyChartDrawsAndMovesOnWhileTheStreamIsLearned() throws Exception {
    List<Long> first = await("a point in each of the 8 charts", DashboardBrowserTest::pointsPerChart,
        counts -> counts.size() == 8 && counts.stream().allMatch(n -> n >= 2));
    List<Long> painted = paintedPixels();
    assertTrue(painted.stream().allMatch(n -> n > 2_000), "every canvas is painted: " + painted);
    long shown = await("the model's row", DashboardBrowserTest::versionShown, Optional::isPresent).get();

    List<Long> later = await("new points in every chart", DashboardBrowserTest::pointsPerChart, counts -> {
      for (int i = 0; i < counts.size(); i++) {
        if (counts.get(i) <= first.get(i)) {
          return false;
        }
      }
      return true;
    });
    assertEquals(8, later.size());
    await("a newer version in the model's row", DashboardBrowserTest::versionShown,
        v -> v.isPresent() && v.get() > shown);

    @SuppressWarnings("unchecked")
    List<String> scripts = (List<String>) ((JavascriptExecutor) browser).executeScript(
        "return Array.from(document.scripts).map(s => s.src);");
    for (String script : scripts) {
      assertTrue(script.startsWith(server.uri().toString()), "served by the server itself, no CDN: " + script);
    }
    assertTrue(browser.findElement(By.id("status")).getText().startsWith("1 model · updated"),
        browser.findElement(By.id("status")).getText());
    Files.write(Path.of("target", "dashboard.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }
}
