package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;

/**
 * {@code batchwise learn} on a platform without ND4J's natives (this platform's native jars left off the
 * classpath): an mlp stops before touching Kafka, with one line naming the jar to add. (That the other kinds
 * learn there is learner-nd4j's WithoutNativesTest.)
 */
class LearnWithoutNativesTest {

  @Test
  void anMlpFailsWithOneLine() throws Exception {
    String platform = Loader.getPlatform();
    List<String> classpath = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
    List<String> withoutNatives = classpath.stream()
        .filter(entry -> !Path.of(entry).getFileName().toString().endsWith("-" + platform + ".jar")).toList();
    assertTrue(withoutNatives.size() < classpath.size(), "the test classpath holds ND4J's natives to leave out");

    Process learn = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", String.join(File.pathSeparator, withoutNatives), Main.class.getName(),
        "learn", "--bootstrap", "127.0.0.1:1", "--model-spec", "mlp:8").redirectErrorStream(true).start();
    String output = new String(learn.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(1, learn.waitFor(), output);
    List<String> lines = output.lines().toList();
    assertEquals(1, lines.size(), output);
    assertTrue(lines.get(0).startsWith("batchwise learn: model kind mlp needs ND4J's native libraries for "
        + platform + ": add org.nd4j:nd4j-native with classifier " + platform + " to the classpath"), output);
  }
}
