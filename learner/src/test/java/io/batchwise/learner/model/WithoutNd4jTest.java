package io.batchwise.learner.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The learner core has no ND4J: every built-in kind learns without it, and the mlp says which module it needs. */
class WithoutNd4jTest {

  @Test
  void nd4jIsNotOnTheClasspath() {
    List<String> nd4jJars = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> entry.contains("nd4j") || entry.contains("bytedeco")).toList();
    assertEquals(List.of(), nd4jJars);
    assertThrows(ClassNotFoundException.class, () -> Class.forName("org.nd4j.linalg.factory.Nd4j"));
  }

  @Test
  void builtInKindsLearn() {
    Random rnd = new Random(5);
    for (String spec : List.of("logistic", "linear", "linear:huber", "softmax:3")) {
      OnlineModel model = ModelFactory.create(spec, 4);
      StepResult step = model.learn(TestBatches.batch(rnd, 8, 4, x -> x[0] > 0 ? 1 : 0, false), 1.0);
      assertEquals(8, step.batchSize(), spec);
      assertEquals(spec.startsWith("softmax") ? 3 : 1, model.predict(TestBatches.features(rnd, 4)).length, spec);
    }
  }

  @Test
  void anMlpNamesTheModuleItNeeds() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ModelFactory.create("mlp:8", 4));
    assertEquals("model kind mlp needs io.batchwise:batchwise-learner-nd4j on the classpath", e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    assertTrue(ModelSpec.parse("mlp:8").kind().equals("mlp"), "mlp specs still parse, so configuration validates");
  }
}
