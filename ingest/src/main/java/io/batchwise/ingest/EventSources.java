package io.batchwise.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.batchwise.ingest.file.CsvEventSource;
import io.batchwise.ingest.file.JsonLinesEventSource;
import io.batchwise.ingest.file.LibSvmEventSource;

/** Opens a file as an {@link EventSource} in the format the options or its extension name. */
public final class EventSources {
  private EventSources() {
  }

  /**
   * Opens {@code file}; the format is {@link SourceOptions#format()}, or by extension when that is
   * {@link Format#AUTO} (see {@link Format#fromFileName}). Opening scans the file once (vocabularies, means,
   * dimensions, label set), so errors in the file as a whole surface here, not halfway through publishing.
   *
   * @throws IllegalArgumentException when the file is missing, unreadable, or cannot be read as events with
   *                                  these options (unknown extension, no label column, empty file...): the
   *                                  message says why, in one line
   * @throws UncheckedIOException     when reading fails midway (an I/O error, a corrupt gzip stream)
   */
  public static EventSource open(Path file, SourceOptions options) {
    if (!Files.exists(file)) {
      throw new IllegalArgumentException("no such file: " + file);
    }
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(file + " is a directory, not a data file");
    }
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException("cannot read " + file + " (permissions)");
    }
    Format format = options.format() == Format.AUTO ? Format.fromFileName(file) : options.format();
    try {
      switch (format) {
        case CSV:
          return new CsvEventSource(file, options);
        case LIBSVM:
          if (options.keyColumn() != null) {
            throw new IllegalArgumentException(file + ": a LibSVM file has no columns to key by; --key needs CSV or JSON Lines");
          }
          return new LibSvmEventSource(file, options);
        case JSONL:
          return new JsonLinesEventSource(file, options);
        default:
          throw new IllegalStateException(format.name());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file + ": " + e.getMessage(), e);
    }
  }
}
