package io.batchwise.ingest;

import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a file as an event source, choosing the reader by the file's extension. */
public final class EventSources {
  private EventSources() {
  }

  public static EventSource open(Path file, SourceOptions options) {
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException("cannot read " + file);
    }
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".csv")) {
      return new CsvEventSource(file, options);
    }
    throw new IllegalArgumentException("unknown file type of " + file + " (known: .csv)");
  }
}
