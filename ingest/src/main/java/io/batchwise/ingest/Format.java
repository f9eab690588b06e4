package io.batchwise.ingest;

import java.nio.file.Path;
import java.util.Locale;

/** File formats {@link EventSources} reads. */
public enum Format {
  /** Choose by the file extension (a trailing {@code .gz} is ignored): see {@link #fromFileName}. */
  AUTO,
  /** Comma-separated values with a header row. */
  CSV,
  /** LibSVM / SVMlight: {@code label index:value ...}, sparse. */
  LIBSVM,
  /** JSON Lines: one JSON object per line. */
  JSONL;

  /**
   * The format a file name implies: {@code .csv} is CSV; {@code .svm}, {@code .libsvm}, {@code .svmlight},
   * {@code .txt} are LibSVM; {@code .jsonl}, {@code .ndjson}, {@code .json} are JSON Lines. A trailing
   * {@code .gz} is skipped (the file is read through gunzip).
   *
   * @throws IllegalArgumentException when the extension is none of those
   */
  public static Format fromFileName(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".gz")) {
      name = name.substring(0, name.length() - 3);
    }
    int dot = name.lastIndexOf('.');
    String extension = dot < 0 ? "" : name.substring(dot + 1);
    switch (extension) {
      case "csv":
        return CSV;
      case "svm":
      case "libsvm":
      case "svmlight":
      case "txt":
        return LIBSVM;
      case "jsonl":
      case "ndjson":
      case "json":
        return JSONL;
      default:
        throw new IllegalArgumentException("cannot tell the format of " + file.getFileName()
            + " from its extension; give the format (csv, libsvm or jsonl)");
    }
  }

  /** Parses a user-given name: csv, libsvm (or svm, svmlight), jsonl (or ndjson, json), auto; any case. */
  public static Format parse(String name) {
    switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "auto":
        return AUTO;
      case "csv":
        return CSV;
      case "libsvm":
      case "svm":
      case "svmlight":
        return LIBSVM;
      case "jsonl":
      case "ndjson":
      case "json":
        return JSONL;
      default:
        throw new IllegalArgumentException("unknown format '" + name + "' (expected csv, libsvm, jsonl or auto)");
    }
  }
}
