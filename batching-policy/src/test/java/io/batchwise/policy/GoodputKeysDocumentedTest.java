package io.batchwise.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The module README's table of goodput keys says exactly what {@link GoodputConfig#KEYS} does, and spec round trips keep every key. */
class GoodputKeysDocumentedTest {
  @Test
  void theReadmeTableIsTheKeyTable() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("README.md"));
    int header = lines.indexOf("| key | type | default | meaning |");
    List<GoodputConfig.Key> documented = new ArrayList<>();
    for (String line : lines.subList(header + 2, lines.size())) {
      if (!line.startsWith("|")) {
        break;
      }
      String[] cells = line.substring(1, line.length() - 1).split("(?<!\\\\)\\|");
      documented.add(new GoodputConfig.Key(cells[0].strip().replace("`", ""), cells[1].strip(), cells[2].strip(),
          cells[3].strip().replace("\\|", "|")));
    }
    assertEquals(GoodputConfig.KEYS, documented);
  }

  @Test
  void theCanonicalSpecNamesEveryKeyInTheTablesOrder() {
    String spec = GoodputConfig.defaults(500, "adam:0.001").toSpec();
    List<String> names = new ArrayList<>();
    for (String pair : spec.substring("goodput:".length()).split(",")) {
      names.add(pair.substring(0, pair.indexOf('=')));
    }
    assertEquals(GoodputConfig.KEYS.stream().map(GoodputConfig.Key::name).toList(), names);
    assertEquals(GoodputConfig.defaults(500, "adam:0.001"), GoodputConfig.parse(spec.substring("goodput:".length()), 7, "sgd"));
  }
}
