package io.batchwise.learner.input;

import java.util.Locale;

/** What the records of the events topic are. */
public enum InputFormat {
  /** {@code LabelledEvent} in Avro's single-object encoding, as {@code batchwise ingest} writes them. */
  AVRO,
  /** One JSON object per record: a label field, numeric feature fields, optionally a model field. */
  JSON,
  /** One CSV line per record, its columns named by input.csv.columns. */
  CSV;

  /** avro, json or csv, in any case. */
  public static InputFormat parse(String name) {
    try {
      return valueOf(name.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown input format '" + name + "': avro, json or csv");
    }
  }
}
