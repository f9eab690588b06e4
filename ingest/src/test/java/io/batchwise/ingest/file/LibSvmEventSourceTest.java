package io.batchwise.ingest.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import io.batchwise.ingest.LabelMapping;
import io.batchwise.ingest.Rows;
import io.batchwise.ingest.SourceOptions;
import io.batchwise.ingest.SourceRow;
import io.batchwise.schemas.LabelledEvent;
import io.batchwise.schemas.SparseFeatures;

class LibSvmEventSourceTest {
  @TempDir
  Path dir;

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    return file;
  }

  @Test
  void oneBasedSparseRowsWithPlusMinusOneLabelsBecomeZeroOne() throws IOException {
    Path file = write("a.svm", "# a comment line\n+1 1:0.5 3:2 # trailing comment\n-1 qid:3 2:-1\n\n-1 5:1e-3\n");
    EventSource source = EventSources.open(file, SourceOptions.defaults());
    assertEquals(5, source.featureCount().getAsInt());
    assertFalse(((LibSvmEventSource) source).zeroBased());
    List<SourceRow> rows = Rows.all(source);
    List<LabelledEvent> events = Rows.valid(rows);
    assertEquals(3, events.size());
    assertEquals(List.of(1.0, 0.0, 0.0), events.stream().map(LabelledEvent::getLabel).toList());
    SparseFeatures first = (SparseFeatures) events.get(0).getFeatures();
    assertEquals(5, first.getSize());
    assertEquals(List.of(0, 2), first.getIndices());
    assertEquals(List.of(0.5, 2.0), first.getValues());
    assertArrayEquals(new double[] {0, -1, 0, 0, 0}, Rows.dense(events.get(1)));
    assertEquals(List.of(2L, 3L, 5L), rows.stream().map(SourceRow::line).toList());
    assertEquals("a.svm:5", events.get(2).getEventId());
  }

  @Test
  void anIndexZeroMakesTheFileZeroBasedAndOtherLabelsStay() throws IOException {
    Path file = write("z.libsvm", "0 0:1 2:3\n1 1:1\n2 2:1\n");
    EventSource source = EventSources.open(file, SourceOptions.defaults());
    assertTrue(((LibSvmEventSource) source).zeroBased());
    List<LabelledEvent> events = Rows.valid(Rows.all(source));
    assertEquals(3, events.get(0).getFeatures() instanceof SparseFeatures s ? s.getSize() : -1);
    assertArrayEquals(new double[] {1, 0, 3}, Rows.dense(events.get(0)));
    assertEquals(List.of(0.0, 1.0, 2.0), events.stream().map(LabelledEvent::getLabel).toList());
    // the sign rule on request
    List<LabelledEvent> signs = Rows.valid(Rows.all(EventSources.open(file,
        SourceOptions.builder().labelMapping(LabelMapping.SIGN).build())));
    assertEquals(List.of(0.0, 1.0, 1.0), signs.stream().map(LabelledEvent::getLabel).toList());
  }

  @Test
  void malformedRowsAreRejected() throws IOException {
    String content = String.join("\n",
        "1 1:1 2:1",        // 1 valid
        "1 2:1 1:1",        // 2 decreasing
        "1 2:1 2:1",        // 3 repeated
        "1 x:1",            // 4 bad index
        "1 3",              // 5 not index:value
        "1 1:NaN",          // 6 non-finite value
        "1 1:abc",          // 7 non-number value
        "abc 1:1",          // 8 bad label
        "1 -1:2",           // 9 negative index
        "1 9:1",            // 10 beyond the given feature count
        "0 4:1") + "\n";    // 11 valid
    List<SourceRow> rows = Rows.all(EventSources.open(write("bad.txt", content),
        SourceOptions.builder().featureCount(4).build()));
    assertEquals(2, Rows.valid(rows).size());
    List<String> reasons = Rows.rejected(rows).stream().map(r -> r.line() + " " + r.reason()).toList();
    assertEquals(List.of(
        "2 indices must increase: 1 after 2",
        "3 indices must increase: 2 after 2",
        "4 index 'x' is not a non-negative integer",
        "5 '3' is not index:value",
        "6 feature 1: 'NaN' is not a finite number",
        "7 feature 1: 'abc' is not a finite number",
        "8 label 'label': 'abc' is not a finite number",
        "9 index '-1' is not a non-negative integer",
        "10 index 9 is outside the 4 features (1-based)"), reasons);
    assertEquals("1 2:1 1:1", Rows.text(Rows.rejected(rows).get(0)));
  }

  @Test
  void aFileWithoutFeaturesNeedsAFeatureCount() throws IOException {
    Path file = write("empty.svm", "1\n0\n");
    assertThrows(IllegalArgumentException.class, () -> EventSources.open(file, SourceOptions.defaults()));
    List<LabelledEvent> events = Rows.valid(Rows.all(EventSources.open(file,
        SourceOptions.builder().featureCount(3).build())));
    assertEquals(2, events.size());
    assertArrayEquals(new double[3], Rows.dense(events.get(0)));
  }
}
