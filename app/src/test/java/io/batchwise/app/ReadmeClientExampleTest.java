package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.batchwise.client.SnapshotFollower;
import io.batchwise.client.SnapshotModel;
import io.batchwise.client.SnapshotScorer;
import io.batchwise.schemas.ModelSnapshot;

/**
 * The README's client example, as printed there: compiled and run in its own JVM with nothing but the client's
 * runtime classpath, against a real broker holding snapshots the real learner published.
 */
class ReadmeClientExampleTest {
  @RegisterExtension
  static final TestKafkaCluster kafka = new TestKafkaCluster();

  @TempDir
  Path dir;

  @Test
  void readmeExampleScoresWithTheLatestSnapshot() throws Exception {
    String source = readmeExample();
    Matcher name = Pattern.compile("public class (\\w+)").matcher(source);
    assertTrue(name.find(), "the README's example is a public class");
    Path file = dir.resolve(name.group(1) + ".java");
    Files.writeString(file, source);
    String classpath = clientClasspath();

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int compiled = javac.run(null, diagnostics, diagnostics, "-d", dir.toString(), "-classpath", classpath,
        file.toString());
    assertEquals(0, compiled, diagnostics.toString(StandardCharsets.UTF_8));

    assertEquals(1000, PipelineRun.learnSyntheticEvents(kafka.bootstrapServers(), dir.resolve("state"), 1000,
        Duration.ofMinutes(2)));
    ModelSnapshot latest = new SnapshotFollower(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers()), "model-snapshots").readToEnd(Duration.ofSeconds(30)).get("it");

    Path stderr = dir.resolve("stderr.txt");
    Process run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", dir + File.pathSeparator + classpath, name.group(1), kafka.bootstrapServers(), "it", "3", "-1.5")
        .redirectError(stderr.toFile()).start();
    String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, run.waitFor(), output + Files.readString(stderr));
    double[] expected = SnapshotModel.of(latest).predict(new double[] {3, -1.5});
    assertEquals("it v" + latest.getVersion() + ": " + Arrays.toString(expected), output.strip());
  }

  /** The first java block of the README's section on following the model from your own code. */
  private static String readmeExample() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int section = readme.indexOf("## Following the model from your own code");
    assertTrue(section >= 0, "README has the section");
    int start = readme.indexOf("```java\n", section) + "```java\n".length();
    return readme.substring(start, readme.indexOf("```", start));
  }

  /** The client's jar (or classes) and its runtime dependencies, as Maven resolved them for the client module. */
  private static String clientClasspath() throws Exception {
    List<String> entries = new ArrayList<>();
    entries.add(Path.of(SnapshotScorer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
    Path resolved = Path.of(System.getProperty("batchwise.client.runtimeClasspath"));
    entries.addAll(Arrays.asList(Files.readString(resolved).strip().split(File.pathSeparator)));
    assertTrue(entries.stream().noneMatch(e -> e.contains("kafka-streams") || e.contains("nd4j")), entries.toString());
    return String.join(File.pathSeparator, entries);
  }
}
