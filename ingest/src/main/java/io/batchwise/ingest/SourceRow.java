package io.batchwise.ingest;

import io.batchwise.schemas.LabelledEvent;

/** One input row: a valid event, or a rejection with its reason, line number and original text. */
public sealed interface SourceRow permits SourceRow.Valid, SourceRow.Rejected {
  long line();

  record Valid(LabelledEvent event, long line) implements SourceRow {
  }

  record Rejected(long line, String reason, byte[] original) implements SourceRow {
  }
}
