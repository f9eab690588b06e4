package io.batchwise.learner.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/** The README's table of learner keys names every key of {@link LearnerConfig} with its default. */
class LearnerKeysDocumentedTest {
  @Test
  void theReadmeTableHasEveryKeyAndItsDefault() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("..", "README.md"));
    int header = lines.indexOf("Learner (`LearnerConfig`):") + 2;
    assertEquals("| key | default | meaning |", lines.get(header));
    Map<String, String> documented = new LinkedHashMap<>();
    for (String line : lines.subList(header + 2, lines.size())) {
      if (!line.startsWith("|")) {
        break;
      }
      String[] cells = line.split("(?<!\\\\)\\|");
      documented.put(cells[1].strip().replace("`", ""), cells[2].strip());
    }
    for (ConfigDef.ConfigKey key : LearnerConfig.DEFINITION.configKeys().values()) {
      assertTrue(documented.containsKey(key.name), key.name + " is not in the README's table");
      Object value = key.defaultValue;
      if (value != null && !value.toString().isEmpty() && !(value instanceof List)) {
        assertEquals("`" + value + "`", documented.get(key.name), "the default of " + key.name);
      }
    }
  }
}
