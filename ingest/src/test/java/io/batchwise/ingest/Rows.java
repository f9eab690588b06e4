package io.batchwise.ingest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.batchwise.schemas.DecodedEvent;
import io.batchwise.schemas.LabelledEvent;

/** Test reading of whole sources. */
public final class Rows {
  private Rows() {
  }

  /** Every row of the source, which is then closed. */
  public static List<SourceRow> all(EventSource source) {
    try (source) {
      List<SourceRow> rows = new ArrayList<>();
      for (SourceRow row = source.next(); row != null; row = source.next()) {
        rows.add(row);
      }
      return rows;
    }
  }

  public static List<LabelledEvent> valid(List<SourceRow> rows) {
    List<LabelledEvent> events = new ArrayList<>();
    for (SourceRow row : rows) {
      if (row instanceof SourceRow.Valid v) {
        events.add(v.event());
      }
    }
    return events;
  }

  public static List<SourceRow.Rejected> rejected(List<SourceRow> rows) {
    List<SourceRow.Rejected> result = new ArrayList<>();
    for (SourceRow row : rows) {
      if (row instanceof SourceRow.Rejected r) {
        result.add(r);
      }
    }
    return result;
  }

  /** The dense vector of an event's features, in whatever form they were written. */
  public static double[] dense(LabelledEvent event) {
    return new DecodedEvent().set(event).toDense();
  }

  public static String text(SourceRow.Rejected rejected) {
    return new String(rejected.original(), StandardCharsets.UTF_8);
  }
}
