package io.batchwise.learner.nd4j;

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
 * A platform without ND4J's natives, made by leaving this platform's native jars off a fresh JVM's classpath: the
 * mlp fails with one line naming the jar to add, and the linear models learn as ever.
 */
class WithoutNativesTest {

  @Test
  void anMlpFailsWithOneLineAndLogisticStillLearns() throws Exception {
    String nativeSuffix = "-" + Loader.getPlatform() + ".jar";
    List<String> classpath = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
    List<String> withoutNatives = classpath.stream()
        .filter(entry -> !Path.of(entry).getFileName().toString().endsWith(nativeSuffix)).toList();
    assertTrue(withoutNatives.size() < classpath.size(), "the test classpath holds ND4J's natives to leave out");

    Process probe = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", String.join(File.pathSeparator, withoutNatives), WithoutNativesProbe.class.getName(),
        "logistic", "mlp:4", "softmax:3", "mlp:4").redirectErrorStream(true).start();
    String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, probe.waitFor(), output);

    String platform = Loader.getPlatform();
    String mlpFailure = "mlp:4: IllegalStateException: model kind mlp needs ND4J's native libraries for " + platform
        + ": add org.nd4j:nd4j-native with classifier " + platform + " to the classpath (";
    List<String> lines = output.lines().toList();
    assertEquals(4, lines.size(), output);
    assertEquals("logistic: ok", lines.get(0));
    assertTrue(lines.get(1).startsWith(mlpFailure), lines.get(1));
    assertEquals("softmax:3: ok", lines.get(2));
    assertEquals(lines.get(1), lines.get(3), "a second mlp fails the same way");
  }
}
