package io.batchwise.ingest.file;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one CSV line into fields (RFC 4180 quoting: a field in double quotes may contain the delimiter, and
 * {@code ""} inside it is one quote). A quoted field cannot span lines: such a row comes out with the wrong
 * field count and is rejected.
 */
final class CsvSplitter {
  private final char delimiter;
  private final List<String> fields = new ArrayList<>();
  private final StringBuilder field = new StringBuilder();

  CsvSplitter(char delimiter) {
    this.delimiter = delimiter;
  }

  /** The fields of {@code line}, trimmed; or null when a quote is left open. The array is new on each call. */
  String[] split(String line) {
    fields.clear();
    int n = line.length();
    int start = 0;
    while (true) {
      int i = start;
      while (i < n && line.charAt(i) == ' ') {
        i++;
      }
      if (i < n && line.charAt(i) == '"') {
        field.setLength(0);
        i++;
        boolean closed = false;
        while (i < n) {
          char c = line.charAt(i);
          if (c == '"') {
            if (i + 1 < n && line.charAt(i + 1) == '"') {
              field.append('"');
              i += 2;
              continue;
            }
            closed = true;
            i++;
            break;
          }
          field.append(c);
          i++;
        }
        if (!closed) {
          return null;
        }
        while (i < n && line.charAt(i) != delimiter) {
          i++;
        }
        fields.add(field.toString().trim());
      } else {
        while (i < n && line.charAt(i) != delimiter) {
          i++;
        }
        fields.add(line.substring(start, i).trim());
      }
      if (i >= n) {
        break;
      }
      start = i + 1;
    }
    return fields.toArray(new String[0]);
  }
}
