package io.batchwise.ingest;

import io.batchwise.schemas.LabelledEvent;

/**
 * One row of an {@link EventSource}: a valid event, or an input that failed validation.
 *
 * <p>{@code line} is the 1-based line number in the file (a CSV header is line 1, so its first data row is
 * line 2), or the 1-based sequence number of a synthetic event.
 */
public sealed interface SourceRow {

  long line();

  /**
   * A row that passed validation.
   *
   * @param key the record key a key column gave it, or null: keyed by its model id
   */
  record Valid(LabelledEvent event, long line, String key) implements SourceRow {
    public Valid(LabelledEvent event, long line) {
      this(event, line, null);
    }
  }

  /** A row that failed validation: why, and its original bytes (the raw line, without the line terminator). */
  record Rejected(long line, String reason, byte[] original) implements SourceRow {
  }
}
