package io.batchwise.ingest.file;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one scan of a CSV file learns before any row is published: per column, how many values are numbers,
 * other text, or missing; the sum of its numbers (for mean imputation); its distinct values in order of first
 * appearance (the one-hot vocabulary, only for the columns asked for: a wide numeric file would otherwise keep
 * thousands of strings per column); and the set of labels (for {@link io.batchwise.ingest.LabelMapping#AUTO}).
 * Rows with the wrong field count are left out.
 */
public final class CsvProfile {
  /** Distinct values kept per column; a one-hot column with more is refused (hash it instead). */
  public static final int MAX_CATEGORIES = 10_000;

  final String[] header;
  final long[] numbers;
  final long[] others;
  final double[] sums;
  final Map<String, Long>[] distinct;
  final boolean[] overflow;
  final LabelRule.LabelStats labels = new LabelRule.LabelStats();

  @SuppressWarnings("unchecked")
  private CsvProfile(String[] header) {
    int n = header.length;
    this.header = header;
    this.numbers = new long[n];
    this.others = new long[n];
    this.sums = new double[n];
    this.distinct = new Map[n];
    this.overflow = new boolean[n];
    for (int c = 0; c < n; c++) {
      distinct[c] = new LinkedHashMap<>();
    }
  }

  /** @param collect the columns whose distinct values to keep */
  static CsvProfile scan(Path file, String[] header, int labelIndex, CsvSplitter splitter, boolean[] collect)
      throws IOException {
    CsvProfile profile = new CsvProfile(header);
    try (TextLines lines = new TextLines(file)) {
      lines.next();
      for (String line = lines.next(); line != null; line = lines.next()) {
        if (line.isBlank()) {
          continue;
        }
        String[] fields = splitter.split(line);
        if (fields == null || fields.length != header.length) {
          continue;
        }
        for (int c = 0; c < fields.length; c++) {
          String value = fields[c];
          if (c == labelIndex) {
            double label = NumberText.parseFinite(value);
            if (!Double.isNaN(label)) {
              profile.labels.add(label);
            }
            continue;
          }
          if (NumberText.isMissing(value)) {
            continue;
          }
          double number = NumberText.parseFinite(value);
          if (Double.isNaN(number)) {
            profile.others[c]++;
          } else {
            profile.numbers[c]++;
            profile.sums[c] += number;
          }
          if (collect[c]) {
            profile.remember(c, value);
          }
        }
      }
    }
    return profile;
  }

  private void remember(int column, String value) {
    if (overflow[column]) {
      return;
    }
    Map<String, Long> values = distinct[column];
    Long count = values.get(value);
    if (count != null) {
      values.put(value, count + 1);
    } else if (values.size() < MAX_CATEGORIES) {
      values.put(value, 1L);
    } else {
      overflow[column] = true;
      values.clear();
    }
  }

  /** Inferred kind: categorical when most of the column's non-missing values are not numbers. */
  boolean looksCategorical(int column) {
    return others[column] > numbers[column];
  }

  /** Mean of the column's numbers (0 when it has none). */
  double mean(int column) {
    return numbers[column] == 0 ? 0.0 : sums[column] / numbers[column];
  }
}
