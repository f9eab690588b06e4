package io.batchwise.ingest.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import io.batchwise.ingest.CategoricalEncoding;
import io.batchwise.ingest.EventSource;
import io.batchwise.ingest.Features;
import io.batchwise.ingest.MissingValuePolicy;
import io.batchwise.ingest.SourceOptions;
import io.batchwise.ingest.SourceRow;
import io.batchwise.schemas.LabelledEvent;

/**
 * Reads a CSV file with a header row into events.
 *
 * <p>The label is the column named {@link SourceOptions#labelColumn()}; the key column, when given, is each record's
 * key ({@link SourceOptions#keyColumn()}). Every other column is a feature:
 * numeric columns as they are, categorical ones (listed, or inferred: mostly non-numbers) one-hot encoded in
 * place or hashed into buckets after the numeric features ({@link CategoricalEncoding}). With one-hot encoding
 * rows are {@code DenseFeatures}; with hashing they are {@code SparseFeatures}. Opening the file scans it
 * once (means, label set, vocabularies; twice when one-hot columns are inferred), so every valid row has the
 * same feature count.
 *
 * <p>A row is rejected, with its line number and a reason, when it has the wrong field count, an unclosed
 * quote, a missing or non-finite label, a numeric field that is not a finite number ({@code NaN},
 * {@code Infinity}, text), or a missing value under {@link MissingValuePolicy#REJECT}. Blank lines are skipped.
 * Event ids are {@code <file name>:<line>}; event times are the clock's time when the row is read.
 */
public final class CsvEventSource implements EventSource {
  private enum Kind { LABEL, KEY, NUMERIC, ONE_HOT, HASHED }

  private final Path file;
  private final SourceOptions options;
  private final String fileName;
  private final CsvSplitter splitter;
  private final String[] header;
  private final int labelIndex;
  /** The key column's index, or -1 without one. */
  private final int keyIndex;
  private final Kind[] kinds;
  private final int[] offsets;
  private final Map<String, Integer>[] vocabularies;
  private final double[] means;
  private final double[][] frequencies;
  private final int denseWidth;
  private final int dimension;
  private final FeatureHashing hashing;
  private final LabelRule labelRule;
  private final Clock clock;
  private final TextLines lines;

  @SuppressWarnings("unchecked")
  public CsvEventSource(Path file, SourceOptions options) throws IOException {
    this.file = file;
    this.options = options;
    this.fileName = file.getFileName().toString();
    this.splitter = new CsvSplitter(options.delimiter());
    this.clock = options.clock();
    String[] head;
    try (TextLines headerLine = new TextLines(file)) {
      String first = headerLine.next();
      if (first == null || first.isBlank()) {
        throw new IllegalArgumentException(file + ": empty file, expected a CSV header row");
      }
      if (first.charAt(0) == '\uFEFF') {
        first = first.substring(1);
      }
      head = splitter.split(first);
      if (head == null) {
        throw new IllegalArgumentException(file + ": unclosed quote in the header row");
      }
    }
    this.header = head;
    this.labelIndex = Arrays.asList(header).indexOf(options.labelColumn());
    if (labelIndex < 0) {
      throw new IllegalArgumentException(file + ": no label column '" + options.labelColumn() + "' in the header "
          + Arrays.toString(header));
    }
    this.keyIndex = options.keyColumn() == null ? -1 : Arrays.asList(header).indexOf(options.keyColumn());
    if (options.keyColumn() != null && keyIndex < 0) {
      throw new IllegalArgumentException(file + ": no key column '" + options.keyColumn() + "' in the header "
          + Arrays.toString(header));
    }
    for (String name : options.categoricalColumns()) {
      if (!Arrays.asList(header).contains(name)) {
        throw new IllegalArgumentException(file + ": categorical column '" + name + "' is not in the header "
            + Arrays.toString(header));
      }
      if (name.equals(options.labelColumn())) {
        throw new IllegalArgumentException(file + ": the label column '" + name + "' cannot be categorical");
      }
    }
    int n = header.length;
    boolean hashed = options.categorical() == CategoricalEncoding.HASHED;
    boolean inferring = options.categoricalColumns().isEmpty();
    boolean[] collect = new boolean[n];
    for (int c = 0; c < n; c++) {
      collect[c] = !hashed && options.categoricalColumns().contains(header[c]);
    }
    CsvProfile profile = CsvProfile.scan(file, header, labelIndex, splitter, collect);
    boolean[] categorical = new boolean[n];
    boolean needVocabulary = false;
    for (int c = 0; c < n; c++) {
      categorical[c] = c != labelIndex && c != keyIndex
          && (inferring ? profile.looksCategorical(c) : options.categoricalColumns().contains(header[c]));
      needVocabulary |= inferring && categorical[c] && !hashed;
    }
    if (needVocabulary) {
      // the first scan found which columns are categorical; a second one collects just their values
      profile = CsvProfile.scan(file, header, labelIndex, splitter, categorical);
    }
    this.kinds = new Kind[n];
    this.offsets = new int[n];
    this.vocabularies = new Map[n];
    this.means = new double[n];
    this.frequencies = new double[n][];
    int width = 0;
    for (int c = 0; c < n; c++) {
      if (c == labelIndex) {
        kinds[c] = Kind.LABEL;
        continue;
      }
      if (c == keyIndex) {
        kinds[c] = Kind.KEY;
        continue;
      }
      if (!categorical[c]) {
        kinds[c] = Kind.NUMERIC;
        offsets[c] = width++;
        means[c] = profile.mean(c);
      } else if (hashed) {
        kinds[c] = Kind.HASHED;
      } else {
        if (profile.overflow[c]) {
          throw new IllegalArgumentException(file + ": categorical column '" + header[c] + "' has more than "
              + CsvProfile.MAX_CATEGORIES + " distinct values; hash it instead of one-hot encoding");
        }
        kinds[c] = Kind.ONE_HOT;
        offsets[c] = width;
        Map<String, Integer> vocabulary = new HashMap<>();
        double[] frequency = new double[profile.distinct[c].size()];
        long total = profile.distinct[c].values().stream().mapToLong(Long::longValue).sum();
        for (Map.Entry<String, Long> e : profile.distinct[c].entrySet()) {
          frequency[vocabulary.size()] = (double) e.getValue() / total;
          vocabulary.put(e.getKey(), vocabulary.size());
        }
        vocabularies[c] = vocabulary;
        frequencies[c] = frequency;
        width += vocabulary.size();
      }
    }
    this.denseWidth = width;
    this.hashing = hashed ? new FeatureHashing(options.hashDimension()) : null;
    this.dimension = hashed ? width + options.hashDimension() : width;
    if (dimension == 0) {
      throw new IllegalArgumentException(file + ": no feature columns besides the label '" + options.labelColumn() + "'");
    }
    this.labelRule = LabelRule.of(options.positiveLabel(), options.labelMapping(), profile.labels);
    this.lines = new TextLines(file);
    lines.next();
  }

  @Override
  public SourceRow next() {
    String line;
    do {
      line = lines.next();
      if (line == null) {
        return null;
      }
    } while (line.isBlank());
    long number = lines.lineNumber();
    String[] fields = splitter.split(line);
    if (fields == null) {
      return reject(number, "unclosed quote", line);
    }
    if (fields.length != header.length) {
      return reject(number, "expected " + header.length + " fields, found " + fields.length, line);
    }
    String labelText = fields[labelIndex];
    double label = labelRule.apply(labelText);
    if (Double.isNaN(label)) {
      return reject(number, LabelRule.problem(header[labelIndex], labelText), line);
    }
    String key = keyIndex < 0 ? null : fields[keyIndex].trim();
    if (key != null && NumberText.isMissing(key)) {
      return reject(number, "key column '" + header[keyIndex] + "' is missing", line);
    }
    double[] dense = new double[denseWidth];
    Map<Integer, Double> buckets = hashing == null ? null : new HashMap<>();
    for (int c = 0; c < fields.length; c++) {
      String value = fields[c];
      switch (kinds[c]) {
        case LABEL:
        case KEY:
          break;
        case NUMERIC: {
          if (NumberText.isMissing(value)) {
            if (options.missingValues() == MissingValuePolicy.REJECT) {
              return reject(number, "column '" + header[c] + "' is missing", line);
            }
            dense[offsets[c]] = options.missingValues() == MissingValuePolicy.MEAN ? means[c] : 0.0;
            break;
          }
          double x = NumberText.parseFinite(value);
          if (Double.isNaN(x)) {
            return reject(number, "column '" + header[c] + "': '" + value + "' is not a finite number", line);
          }
          dense[offsets[c]] = x;
          break;
        }
        case ONE_HOT: {
          if (NumberText.isMissing(value)) {
            if (options.missingValues() == MissingValuePolicy.REJECT) {
              return reject(number, "column '" + header[c] + "' is missing", line);
            }
            if (options.missingValues() == MissingValuePolicy.MEAN) {
              System.arraycopy(frequencies[c], 0, dense, offsets[c], frequencies[c].length);
            }
            break;
          }
          Integer index = vocabularies[c].get(value);
          if (index == null) {
            // only if the file changed since the scan
            return reject(number, "column '" + header[c] + "': '" + value + "' was not in the file when it was opened", line);
          }
          dense[offsets[c] + index] = 1.0;
          break;
        }
        case HASHED: {
          if (NumberText.isMissing(value)) {
            if (options.missingValues() == MissingValuePolicy.REJECT) {
              return reject(number, "column '" + header[c] + "' is missing", line);
            }
            break;
          }
          String name = header[c] + "=" + value;
          buckets.merge(denseWidth + hashing.bucket(name), hashing.sign(name), Double::sum);
          break;
        }
        default:
          throw new IllegalStateException(kinds[c].name());
      }
    }
    Object features = buckets == null ? Features.dense(dense) : sparse(dense, buckets);
    LabelledEvent event = new LabelledEvent(options.modelId(), fileName + ":" + number, clock.instant(), features,
        label, null, null);
    return new SourceRow.Valid(event, number, key);
  }

  private Object sparse(double[] dense, Map<Integer, Double> buckets) {
    List<Integer> hashedIndices = new ArrayList<>(buckets.keySet());
    hashedIndices.sort(null);
    int[] indices = new int[dense.length + hashedIndices.size()];
    double[] values = new double[indices.length];
    int count = 0;
    for (int i = 0; i < dense.length; i++) {
      if (dense[i] != 0.0) {
        indices[count] = i;
        values[count++] = dense[i];
      }
    }
    for (int index : hashedIndices) {
      double v = buckets.get(index);
      if (v != 0.0) {
        indices[count] = index;
        values[count++] = v;
      }
    }
    return Features.sparse(dimension, indices, values, count);
  }

  private static SourceRow reject(long line, String reason, String original) {
    return new SourceRow.Rejected(line, reason, original.getBytes(StandardCharsets.UTF_8));
  }

  /** The feature names in vector order (one-hot: {@code column=value}; hashed buckets: {@code hash[i]}). */
  @Override
  public List<String> featureNames() {
    String[] names = new String[dimension];
    for (int c = 0; c < header.length; c++) {
      if (kinds[c] == Kind.NUMERIC) {
        names[offsets[c]] = header[c];
      } else if (kinds[c] == Kind.ONE_HOT) {
        for (Map.Entry<String, Integer> e : vocabularies[c].entrySet()) {
          names[offsets[c] + e.getValue()] = header[c] + "=" + e.getKey();
        }
      }
    }
    for (int i = denseWidth; i < dimension; i++) {
      names[i] = "hash[" + (i - denseWidth) + "]";
    }
    return List.of(names);
  }

  @Override
  public String description() {
    return "CSV " + file + " (label '" + options.labelColumn() + "', " + dimension + " features, model '"
        + options.modelId() + "')";
  }

  @Override
  public String origin() {
    return file.toString();
  }

  @Override
  public String modelId() {
    return options.modelId();
  }

  @Override
  public OptionalInt featureCount() {
    return OptionalInt.of(dimension);
  }

  @Override
  public void close() {
    lines.close();
  }
}
