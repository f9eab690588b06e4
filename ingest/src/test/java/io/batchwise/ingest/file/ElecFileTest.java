package io.batchwise.ingest.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.batchwise.ingest.EventSource;
import io.batchwise.ingest.EventSources;
import io.batchwise.ingest.Rows;
import io.batchwise.ingest.SourceOptions;
import io.batchwise.ingest.SourceRow;
import io.batchwise.schemas.LabelledEvent;

/** The shared elec stream (see shared/data/README.md); skipped where the file is absent. */
class ElecFileTest {

  /** shared/data/elec.csv found by walking up from the working directory, or null. */
  static Path elec() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared/data/elec.csv");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  @Test
  void elecYields45312ValidEventsWithSixFeaturesAndBinaryLabels() {
    Path file = elec();
    assumeTrue(file != null, "shared/data/elec.csv not found above " + Path.of("").toAbsolutePath());
    EventSource source = EventSources.open(file, SourceOptions.builder().labelColumn("target").modelId("elec").build());
    assertEquals(6, source.featureCount().getAsInt());
    List<SourceRow> rows = Rows.all(source);
    List<LabelledEvent> events = Rows.valid(rows);
    assertEquals(45_312, events.size());
    assertEquals(0, Rows.rejected(rows).size());
    long ones = 0;
    for (LabelledEvent e : events) {
      double[] x = Rows.dense(e);
      assertEquals(6, x.length);
      for (double v : x) {
        assertTrue(v >= 0 && v <= 1, "elec features are scaled to [0,1]");
      }
      assertTrue(e.getLabel() == 0.0 || e.getLabel() == 1.0);
      ones += (long) (double) e.getLabel();
    }
    // README: 42.45% ones
    assertEquals(0.4245, ones / 45_312.0, 5e-5);
    assertEquals("elec.csv:2", events.get(0).getEventId());
    // the first data row, exactly as written in the file
    assertArrayEquals(new double[] {0.0, 0.05644299999999999, 0.439155, 0.003467, 0.422915, 0.414912},
        Rows.dense(events.get(0)));
    assertEquals(1.0, events.get(0).getLabel());
  }
}
