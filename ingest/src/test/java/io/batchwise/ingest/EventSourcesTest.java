package io.batchwise.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventSourcesTest {
  @TempDir
  Path dir;

  @Test
  void theExtensionChoosesTheFormat() {
    assertEquals(Format.CSV, Format.fromFileName(Path.of("a/b.CSV")));
    assertEquals(Format.CSV, Format.fromFileName(Path.of("b.csv.gz")));
    assertEquals(Format.LIBSVM, Format.fromFileName(Path.of("b.svm")));
    assertEquals(Format.LIBSVM, Format.fromFileName(Path.of("b.libsvm")));
    assertEquals(Format.LIBSVM, Format.fromFileName(Path.of("b.txt")));
    assertEquals(Format.JSONL, Format.fromFileName(Path.of("b.jsonl")));
    assertEquals(Format.JSONL, Format.fromFileName(Path.of("b.ndjson")));
    assertThrows(IllegalArgumentException.class, () -> Format.fromFileName(Path.of("b.parquet")));
    assertThrows(IllegalArgumentException.class, () -> Format.fromFileName(Path.of("noextension")));
    assertEquals(Format.LIBSVM, Format.parse(" SVMlight "));
    assertThrows(IllegalArgumentException.class, () -> Format.parse("xml"));
  }

  @Test
  void anExplicitFormatOverridesTheExtension() throws IOException {
    Path file = dir.resolve("data.dat");
    Files.writeString(file, "1 1:0.5\n");
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> EventSources.open(file, SourceOptions.defaults()));
    assertTrue(unknown.getMessage().contains("give the format"), unknown.getMessage());
    try (EventSource source = EventSources.open(file, SourceOptions.builder().format(Format.LIBSVM).build())) {
      assertTrue(source.next() instanceof SourceRow.Valid);
      assertTrue(source.description().startsWith("LibSVM "));
    }
  }

  @Test
  void missingFilesAndDirectoriesAreOneLineErrors() {
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> EventSources.open(dir.resolve("none.csv"), SourceOptions.defaults()));
    assertEquals("no such file: " + dir.resolve("none.csv"), missing.getMessage());
    assertThrows(IllegalArgumentException.class, () -> EventSources.open(dir, SourceOptions.defaults()));
  }

  @Test
  void optionsHaveTheDocumentedDefaultsAndRejectNonsense() {
    SourceOptions o = SourceOptions.defaults();
    assertEquals(Format.AUTO, o.format());
    assertEquals("default", o.modelId());
    assertEquals("label", o.labelColumn());
    assertEquals(',', o.delimiter());
    assertEquals(CategoricalEncoding.ONE_HOT, o.categorical());
    assertEquals(1024, o.hashDimension());
    assertEquals(MissingValuePolicy.REJECT, o.missingValues());
    assertEquals(LabelMapping.AUTO, o.labelMapping());
    assertEquals(o, o.toBuilder().build());
    assertThrows(IllegalArgumentException.class, () -> SourceOptions.builder().hashDimension(0).build());
    assertThrows(IllegalArgumentException.class, () -> SourceOptions.builder().modelId("").build());
    assertThrows(IllegalArgumentException.class, () -> PublishOptions.builder().rate(-1).build());
    assertThrows(IllegalArgumentException.class, () -> PublishOptions.builder().rate(Double.NaN).build());
    assertThrows(IllegalArgumentException.class, () -> PublishOptions.builder().loops(-1).build());
    assertThrows(IllegalArgumentException.class, () -> PublishOptions.builder().eventTimeSpeedup(0).build());
  }
}
