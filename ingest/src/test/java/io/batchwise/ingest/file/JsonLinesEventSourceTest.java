package io.batchwise.ingest.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.batchwise.ingest.EventSource;
import io.batchwise.ingest.EventSources;
import io.batchwise.ingest.MissingValuePolicy;
import io.batchwise.ingest.Rows;
import io.batchwise.ingest.SourceOptions;
import io.batchwise.ingest.SourceRow;
import io.batchwise.schemas.LabelledEvent;

class JsonLinesEventSourceTest {
  @TempDir
  Path dir;

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    return file;
  }

  @Test
  void featureArrays() throws IOException {
    String content = String.join("\n",
        "{\"features\": [0.5, 2, -1], \"label\": 1}",
        "{\"label\": 0, \"features\": [1, \"2.5\", true], \"weight\": 2}",
        "{\"features\": [1, 2], \"label\": 1}",
        "{\"features\": [1, 2, 3]}",
        "{\"features\": [1, \"a\", 3], \"label\": 0}",
        "{\"features\": [1, 2, 3], \"label\": 0, \"weight\": -1}",
        "[1, 2, 3]",
        "{\"features\": [1, 2, 3], \"label\": ",
        "",
        "{\"features\": [1, 2, null], \"label\": 1}") + "\n";
    List<SourceRow> rows = Rows.all(EventSources.open(write("a.jsonl", content), SourceOptions.defaults()));
    List<LabelledEvent> events = Rows.valid(rows);
    assertEquals(2, events.size());
    assertArrayEquals(new double[] {0.5, 2, -1}, Rows.dense(events.get(0)));
    assertNull(events.get(0).getWeight());
    assertArrayEquals(new double[] {1, 2.5, 1}, Rows.dense(events.get(1)));
    assertEquals(0.0, events.get(1).getLabel());
    assertEquals(2.0, events.get(1).getWeight());
    List<String> reasons = Rows.rejected(rows).stream().map(r -> r.line() + " " + r.reason()).toList();
    assertEquals("3 expected 3 features, found 2", reasons.get(0));
    assertEquals("4 label 'label' is missing", reasons.get(1));
    assertEquals("5 feature 1: 'a' is not a finite number", reasons.get(2));
    assertEquals("6 weight '-1' is not a positive finite number", reasons.get(3));
    assertEquals("7 not a JSON object", reasons.get(4));
    assertTrue(reasons.get(5).startsWith("8 not JSON: "), reasons.get(5));
    assertEquals("10 feature 2 is missing", reasons.get(6));
    assertEquals(7, reasons.size());
  }

  @Test
  void namedFieldsInTheFirstObjectsOrder() throws IOException {
    String content = String.join("\n",
        "{\"b\": 1, \"a\": 2, \"y\": 1}",
        "{\"a\": 20, \"y\": 0, \"b\": 10}",
        "{\"a\": 1, \"b\": 2, \"c\": 3, \"y\": 0}",
        "{\"a\": 4, \"y\": 1}") + "\n";
    Path file = write("n.ndjson", content);
    EventSource source = EventSources.open(file, SourceOptions.builder().labelColumn("y").build());
    assertEquals(List.of("b", "a"), ((JsonLinesEventSource) source).featureNames());
    List<SourceRow> rows = Rows.all(source);
    List<LabelledEvent> events = Rows.valid(rows);
    assertArrayEquals(new double[] {1, 2}, Rows.dense(events.get(0)));
    assertArrayEquals(new double[] {10, 20}, Rows.dense(events.get(1)));
    assertEquals("unexpected field 'c' (the first object's fields are [b, a])", Rows.rejected(rows).get(0).reason());
    assertEquals("field 'b' is missing", Rows.rejected(rows).get(1).reason());

    List<LabelledEvent> imputed = Rows.valid(Rows.all(EventSources.open(file,
        SourceOptions.builder().labelColumn("y").missingValues(MissingValuePolicy.MEAN).build())));
    // mean of b over the file's values 1, 10, 2
    assertArrayEquals(new double[] {13.0 / 3, 4}, Rows.dense(imputed.get(2)), 1e-12);
  }

  @Test
  void aFileWithoutObjectsFailsAtOpening() throws IOException {
    assertThrows(IllegalArgumentException.class,
        () -> EventSources.open(write("x.jsonl", "[1]\nnot json\n"), SourceOptions.defaults()));
    assertThrows(IllegalArgumentException.class,
        () -> EventSources.open(write("y.jsonl", "{\"label\": 1}\n"), SourceOptions.defaults()));
  }
}
