package io.batchwise.ingest.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.batchwise.ingest.CategoricalEncoding;
import io.batchwise.ingest.EventSource;
import io.batchwise.ingest.EventSources;
import io.batchwise.ingest.MissingValuePolicy;
import io.batchwise.ingest.Rows;
import io.batchwise.ingest.SourceOptions;
import io.batchwise.ingest.SourceRow;
import io.batchwise.schemas.LabelledEvent;
import io.batchwise.schemas.SparseFeatures;

class CsvEventSourceTest {
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

  @TempDir
  Path dir;

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    return file;
  }

  private static SourceOptions.Builder options() {
    return SourceOptions.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).modelId("m");
  }

  private static List<SourceRow> read(Path file, SourceOptions options) {
    return Rows.all(EventSources.open(file, options));
  }

  @Test
  void numericRowsBecomeDenseEventsWithIdsTimesAndLabels() throws IOException {
    Path file = write("a.csv", "x,label,y\n1.5,1,-2\n0,0,3e2\n");
    List<SourceRow> rows = read(file, options().build());
    assertEquals(2, rows.size());
    SourceRow.Valid first = assertInstanceOf(SourceRow.Valid.class, rows.get(0));
    assertEquals(2, first.line());
    LabelledEvent e = first.event();
    assertEquals("m", e.getModelId());
    assertEquals("a.csv:2", e.getEventId());
    assertEquals(NOW, e.getEventTime());
    assertEquals(1.0, e.getLabel());
    assertArrayEquals(new double[] {1.5, -2.0}, Rows.dense(e));
    assertArrayEquals(new double[] {0, 300}, Rows.dense(Rows.valid(rows).get(1)));
  }

  @Test
  void malformedRowsAreRejectedWithLineNumberReasonAndOriginalText() throws IOException {
    String content = String.join("\n",
        "a,b,label",
        "1,2,1",              // 2 valid
        "1,2",                // 3 too few fields
        "1,2,3,4",            // 4 too many
        "NaN,2,0",            // 5 NaN
        "1,Infinity,0",       // 6 infinite
        "1,abc,0",            // 7 text in a numeric column
        "1,2,",               // 8 missing label
        "1,2,x",              // 9 non-numeric label
        "1,2,NaN",            // 10 non-finite label
        "\"1,2,0",            // 11 unclosed quote
        "1,,0",               // 12 missing value, policy reject
        "",                   // 13 blank: skipped
        "0x10,1,0",           // 14 Java-only number syntax
        "1d,1,0",             // 15 Java-only number syntax
        "3,4,0") + "\n";      // 16 valid
    List<SourceRow> rows = read(write("bad.csv", content), options().build());
    assertEquals(List.of(2L, 16L), Rows.valid(rows).stream().map(e -> Long.parseLong(e.getEventId().split(":")[1])).toList());
    List<SourceRow.Rejected> rejected = Rows.rejected(rows);
    assertEquals(List.of(3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 14L, 15L),
        rejected.stream().map(SourceRow.Rejected::line).toList());
    assertEquals("expected 3 fields, found 2", rejected.get(0).reason());
    assertEquals("expected 3 fields, found 4", rejected.get(1).reason());
    assertEquals("column 'a': 'NaN' is not a finite number", rejected.get(2).reason());
    assertEquals("column 'b': 'Infinity' is not a finite number", rejected.get(3).reason());
    assertEquals("column 'b': 'abc' is not a finite number", rejected.get(4).reason());
    assertEquals("label 'label' is missing", rejected.get(5).reason());
    assertEquals("label 'label': 'x' is not a finite number", rejected.get(6).reason());
    assertEquals("label 'label': 'NaN' is not a finite number", rejected.get(7).reason());
    assertEquals("unclosed quote", rejected.get(8).reason());
    assertEquals("column 'b' is missing", rejected.get(9).reason());
    assertEquals("1,2", Rows.text(rejected.get(0)));
    assertEquals("1,,0", Rows.text(rejected.get(9)));
  }

  @Test
  void quotedFieldsMayHoldTheDelimiterAndOtherDelimitersWork() throws IOException {
    Path file = write("q.csv", "\"a\",colour,label\n\"1.5\",\"red, dark\",1\n2,\"say \"\"hi\"\"\",0\n");
    EventSource source = EventSources.open(file, options().categoricalColumns(Set.of("colour")).build());
    assertEquals(List.of("a", "colour=red, dark", "colour=say \"hi\""), ((CsvEventSource) source).featureNames());
    List<LabelledEvent> events = Rows.valid(Rows.all(source));
    assertArrayEquals(new double[] {1.5, 1, 0}, Rows.dense(events.get(0)));
    assertArrayEquals(new double[] {2, 0, 1}, Rows.dense(events.get(1)));

    Path semicolons = write("s.csv", "a;label\n1,5;1\n2;0\n3;1\n");
    assertEquals("column 'a': '1,5' is not a finite number",
        Rows.rejected(read(semicolons, options().delimiter(';').build())).get(0).reason());
  }

  @Test
  void inferredCategoricalColumnIsOneHotInPlaceInFirstAppearanceOrder() throws IOException {
    Path file = write("c.csv", "size,colour,label\n1,red,0\n2,blue,1\n3,red,1\n4,green,0\n");
    EventSource source = EventSources.open(file, options().build());
    assertEquals(4, source.featureCount().getAsInt());
    assertEquals(List.of("size", "colour=red", "colour=blue", "colour=green"), ((CsvEventSource) source).featureNames());
    List<LabelledEvent> events = Rows.valid(Rows.all(source));
    assertArrayEquals(new double[] {1, 1, 0, 0}, Rows.dense(events.get(0)));
    assertArrayEquals(new double[] {2, 0, 1, 0}, Rows.dense(events.get(1)));
    assertArrayEquals(new double[] {4, 0, 0, 1}, Rows.dense(events.get(3)));
  }

  @Test
  void aNumericColumnWithATypoStaysNumericAndRejectsTheTypo() throws IOException {
    Path file = write("t.csv", "v,label\n1,0\n2,1\nthree,1\n4,0\n");
    List<SourceRow> rows = read(file, options().build());
    assertEquals(3, Rows.valid(rows).size());
    assertEquals(4, Rows.rejected(rows).get(0).line());
  }

  @Test
  void explicitCategoricalColumnTreatsNumbersAsCategories() throws IOException {
    Path file = write("z.csv", "zip,label\n2000,1\n3000,0\n2000,0\n");
    List<LabelledEvent> events = Rows.valid(read(file, options().categoricalColumns(Set.of("zip")).build()));
    assertArrayEquals(new double[] {1, 0}, Rows.dense(events.get(0)));
    assertArrayEquals(new double[] {0, 1}, Rows.dense(events.get(1)));
    assertArrayEquals(new double[] {1, 0}, Rows.dense(events.get(2)));
    assertThrows(IllegalArgumentException.class,
        () -> EventSources.open(file, options().categoricalColumns(Set.of("nope")).build()));
    assertThrows(IllegalArgumentException.class,
        () -> EventSources.open(file, options().categoricalColumns(Set.of("label")).build()));
  }

  @Test
  void hashedCategoricalsAreSparseSignedBucketsAfterTheNumericFeatures() throws IOException {
    Path file = write("h.csv", "size,colour,shape,label\n1.5,red,round,0\n0,blue,,1\n2,red,square,1\n");
    SourceOptions options = options().categorical(CategoricalEncoding.HASHED).hashDimension(16)
        .missingValues(MissingValuePolicy.ZERO).build();
    EventSource source = EventSources.open(file, options);
    assertEquals(1 + 16, source.featureCount().getAsInt());
    List<LabelledEvent> events = Rows.valid(Rows.all(source));
    assertEquals(3, events.size());
    FeatureHashing hashing = new FeatureHashing(16);
    SparseFeatures first = (SparseFeatures) events.get(0).getFeatures();
    assertEquals(17, first.getSize());
    double[] expected = new double[17];
    expected[0] = 1.5;
    expected[1 + hashing.bucket("colour=red")] += hashing.sign("colour=red");
    expected[1 + hashing.bucket("shape=round")] += hashing.sign("shape=round");
    assertArrayEquals(expected, Rows.dense(events.get(0)));
    for (LabelledEvent e : events) {
      List<Integer> indices = ((SparseFeatures) e.getFeatures()).getIndices();
      for (int i = 1; i < indices.size(); i++) {
        assertTrue(indices.get(i) > indices.get(i - 1), "strictly increasing indices " + indices);
      }
    }
    // the missing shape of row 2 sets no bucket; its size 0 is left out of the sparse pairs
    double[] second = new double[17];
    second[1 + hashing.bucket("colour=blue")] = hashing.sign("colour=blue");
    assertArrayEquals(second, Rows.dense(events.get(1)));
  }

  @Test
  void oneHotRefusesAnUnboundedVocabularyButHashingTakesIt() throws IOException {
    StringBuilder content = new StringBuilder("user,label\n");
    for (int i = 0; i <= CsvProfile.MAX_CATEGORIES; i++) {
      content.append("u").append(i).append(",1\n");
    }
    Path file = write("ids.csv", content.toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EventSources.open(file, options().build()));
    assertTrue(e.getMessage().contains("hash it"), e.getMessage());
    List<SourceRow> rows = read(file, options().categorical(CategoricalEncoding.HASHED).hashDimension(64).build());
    assertEquals(CsvProfile.MAX_CATEGORIES + 1, Rows.valid(rows).size());
  }

  @Test
  void missingValuePolicies() throws IOException {
    Path file = write("m.csv", "a,c,label\n1,x,0\n,y,1\n3,,0\n2,x,1\n");
    List<SourceRow> rejecting = read(file, options().build());
    assertEquals(2, Rows.valid(rejecting).size());
    assertEquals(List.of("column 'a' is missing", "column 'c' is missing"),
        Rows.rejected(rejecting).stream().map(SourceRow.Rejected::reason).toList());

    List<LabelledEvent> zero = Rows.valid(read(file, options().missingValues(MissingValuePolicy.ZERO).build()));
    assertArrayEquals(new double[] {0, 0, 1}, Rows.dense(zero.get(1)));
    assertArrayEquals(new double[] {3, 0, 0}, Rows.dense(zero.get(2)));

    List<LabelledEvent> mean = Rows.valid(read(file, options().missingValues(MissingValuePolicy.MEAN).build()));
    assertArrayEquals(new double[] {2, 0, 1}, Rows.dense(mean.get(1)), "mean of 1, 3, 2");
    assertArrayEquals(new double[] {3, 2.0 / 3, 1.0 / 3}, Rows.dense(mean.get(2)), 1e-15, "category frequencies");
  }

  @Test
  void textLabelsWithAPositiveValueAndPlusMinusOneLabels() throws IOException {
    Path text = write("p.csv", "a,label\n1,UP\n2,DOWN\n3,\n");
    List<SourceRow> rows = read(text, options().positiveLabel("UP").build());
    assertEquals(List.of(1.0, 0.0), Rows.valid(rows).stream().map(LabelledEvent::getLabel).toList());
    assertEquals("label 'label' is missing", Rows.rejected(rows).get(0).reason());

    Path signs = write("s.csv", "a,label\n1,-1\n2,+1\n3,1\n");
    assertEquals(List.of(0.0, 1.0, 1.0), Rows.valid(read(signs, options().build())).stream()
        .map(LabelledEvent::getLabel).toList());
    Path classes = write("k.csv", "a,label\n1,-1\n2,1\n3,2\n");
    assertEquals(List.of(-1.0, 1.0, 2.0), Rows.valid(read(classes, options().build())).stream()
        .map(LabelledEvent::getLabel).toList());
  }

  @Test
  void fileLevelProblemsFailAtOpening() throws IOException {
    assertThrows(IllegalArgumentException.class, () -> EventSources.open(write("e.csv", ""), options().build()));
    IllegalArgumentException noLabel = assertThrows(IllegalArgumentException.class,
        () -> EventSources.open(write("n.csv", "a,b\n1,2\n"), options().build()));
    assertTrue(noLabel.getMessage().contains("no label column 'label'"), noLabel.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> EventSources.open(write("o.csv", "label\n1\n"), options().build()));
    assertThrows(IllegalArgumentException.class,
        () -> EventSources.open(dir.resolve("absent.csv"), options().build()));
  }

  @Test
  void gzippedFilesAndByteOrderMarksAreRead() throws IOException {
    Path file = dir.resolve("g.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write("\uFEFFa,label\n1,1\n2,0\n".getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(2, Rows.valid(read(file, options().build())).size());
  }
}
