package io.batchwise.ingest;

/** A finite or endless sequence of input rows. Not thread-safe. */
public interface EventSource extends AutoCloseable {
  /** The next row, or null at the end of the source. */
  SourceRow next();

  /** What this source reads, for messages and dead letters (a file path or a synthetic spec). */
  String description();

  @Override
  void close();
}
