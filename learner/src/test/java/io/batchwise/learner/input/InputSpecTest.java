package io.batchwise.learner.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

class InputSpecTest {
  private static final InputSpec.Keys KEYS = new InputSpec.Keys("input.label", "input.features", "input.model.field",
      "input.model.id", "input.csv.columns");

  private static String problem(InputFormat format, String label, List<String> features, String modelField,
      String modelId, List<String> columns) {
    return new InputSpec(format, label, features, modelField, modelId, columns).problem(KEYS);
  }

  @Test
  void settingsThatCannotReadTheTopicAreSaidInOneLine() {
    assertNull(InputSpec.avro().problem(KEYS));
    assertNull(problem(InputFormat.JSON, "y", List.of(), "", "", List.of()));
    assertNull(problem(InputFormat.CSV, "y", List.of("a"), "", "", List.of("a", "y")));
    assertNull(problem(InputFormat.CSV, "2", List.of("1"), "", "", List.of()));
    assertEquals("input.label applies to json and csv input only: Avro events carry their label, features and model",
        problem(InputFormat.AVRO, "y", List.of(), "", "", List.of()));
    assertEquals("json input needs the label's field (input.label)",
        problem(InputFormat.JSON, "", List.of(), "", "", List.of()));
    assertEquals("give the model's field (input.model.field) or a fixed model id (input.model.id), not both",
        problem(InputFormat.JSON, "y", List.of(), "m", "elec", List.of()));
    assertEquals("input.csv.columns applies to csv input only: JSON fields have names",
        problem(InputFormat.JSON, "y", List.of(), "", "", List.of("a")));
    assertEquals("'y' cannot be both a feature and the label", problem(InputFormat.JSON, "y", List.of("y"), "", "", List.of()));
    assertEquals("feature 'a' is listed twice (input.features)",
        problem(InputFormat.JSON, "y", List.of("a", "a"), "", "", List.of()));
    assertEquals("'b' is not one of the columns [a, y] (input.csv.columns)",
        problem(InputFormat.CSV, "y", List.of("b"), "", "", List.of("a", "y")));
    assertEquals("'class' is not a column position (1, 2, ...): name the columns with input.csv.columns to use names",
        problem(InputFormat.CSV, "class", List.of(), "", "", List.of()));
  }
}
