package io.batchwise.ingest.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.OptionalInt;

import io.batchwise.ingest.EventSource;
import io.batchwise.ingest.Features;
import io.batchwise.ingest.SourceOptions;
import io.batchwise.ingest.SourceRow;
import io.batchwise.schemas.LabelledEvent;

/**
 * Reads LibSVM / SVMlight files: {@code <label> <index>:<value> ... [# comment]}, one example per line, into
 * {@code SparseFeatures}.
 *
 * <p>Indices are 1-based as in SVMlight, unless some index in the file is 0, then the whole file is read as
 * 0-based (scikit-learn's {@code zero_based="auto"}). The vector size is {@link SourceOptions#featureCount()} when
 * given, else the largest index in the file (+1 when 0-based), found by a scan at opening; every row has that size.
 * Labels follow {@link SourceOptions#labelMapping()}: by default a file whose labels are exactly {-1, +1} becomes
 * 0/1, anything else (0/1, class indices, regression targets) is kept. {@code qid:} tokens are ignored; blank
 * and comment-only lines are skipped.
 *
 * <p>A row is rejected when its label is missing or not a finite number, a token is not {@code index:value},
 * an index is not an integer, is out of range, or does not increase strictly, or a value is not a finite number.
 */
public final class LibSvmEventSource implements EventSource {
  private final Path file;
  private final SourceOptions options;
  private final String fileName;
  private final boolean zeroBased;
  private final int dimension;
  private final LabelRule labelRule;
  private final Clock clock;
  private final TextLines lines;

  public LibSvmEventSource(Path file, SourceOptions options) throws IOException {
    this.file = file;
    this.options = options;
    this.fileName = file.getFileName().toString();
    this.clock = options.clock();
    LabelRule.LabelStats labels = new LabelRule.LabelStats();
    long maxIndex = -1;
    boolean sawZero = false;
    try (TextLines scan = new TextLines(file)) {
      for (String line = scan.next(); line != null; line = scan.next()) {
        String[] tokens = tokens(line);
        if (tokens.length == 0) {
          continue;
        }
        double label = NumberText.parseFinite(tokens[0]);
        if (!Double.isNaN(label)) {
          labels.add(label);
        }
        for (int t = 1; t < tokens.length; t++) {
          int colon = tokens[t].indexOf(':');
          if (colon <= 0 || tokens[t].startsWith("qid:")) {
            continue;
          }
          long index = parseIndex(tokens[t].substring(0, colon));
          if (index >= 0) {
            maxIndex = Math.max(maxIndex, index);
            sawZero |= index == 0;
          }
        }
      }
    }
    this.zeroBased = sawZero;
    if (options.featureCount() > 0) {
      this.dimension = options.featureCount();
    } else {
      long inferred = zeroBased ? maxIndex + 1 : maxIndex;
      if (inferred <= 0) {
        throw new IllegalArgumentException(file + ": no index:value pair in the file; give the feature count");
      }
      if (inferred > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException(file + ": largest index " + maxIndex + " is too large");
      }
      this.dimension = (int) inferred;
    }
    this.labelRule = LabelRule.of(options.positiveLabel(), options.labelMapping(), labels);
    this.lines = new TextLines(file);
  }

  private static String[] tokens(String line) {
    int hash = line.indexOf('#');
    String content = (hash >= 0 ? line.substring(0, hash) : line).trim();
    return content.isEmpty() ? new String[0] : content.split("\\s+");
  }

  /** The index, or -1 when the text is not a non-negative integer. */
  private static long parseIndex(String text) {
    if (text.isEmpty() || text.length() > 12) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  @Override
  public SourceRow next() {
    String line;
    String[] tokens;
    do {
      line = lines.next();
      if (line == null) {
        return null;
      }
      tokens = tokens(line);
    } while (tokens.length == 0);
    long number = lines.lineNumber();
    double label = labelRule.apply(tokens[0]);
    if (Double.isNaN(label)) {
      return reject(number, LabelRule.problem("label", tokens[0]), line);
    }
    int[] indices = new int[tokens.length - 1];
    double[] values = new double[tokens.length - 1];
    int count = 0;
    long previous = -1;
    for (int t = 1; t < tokens.length; t++) {
      String token = tokens[t];
      if (token.startsWith("qid:")) {
        continue;
      }
      int colon = token.indexOf(':');
      if (colon <= 0) {
        return reject(number, "'" + token + "' is not index:value", line);
      }
      long raw = parseIndex(token.substring(0, colon));
      if (raw < 0) {
        return reject(number, "index '" + token.substring(0, colon) + "' is not a non-negative integer", line);
      }
      long index = zeroBased ? raw : raw - 1;
      if (index < 0 || index >= dimension) {
        return reject(number, "index " + raw + " is outside the " + dimension + " features ("
            + (zeroBased ? "0" : "1") + "-based)", line);
      }
      if (index <= previous) {
        return reject(number, "indices must increase: " + raw + " after " + (zeroBased ? previous : previous + 1), line);
      }
      String valueText = token.substring(colon + 1);
      double value = NumberText.parseFinite(valueText);
      if (Double.isNaN(value)) {
        return reject(number, "feature " + raw + ": '" + valueText + "' is not a finite number", line);
      }
      indices[count] = (int) index;
      values[count++] = value;
      previous = index;
    }
    LabelledEvent event = new LabelledEvent(options.modelId(), fileName + ":" + number, clock.instant(),
        Features.sparse(dimension, indices, values, count), label, null, null);
    return new SourceRow.Valid(event, number);
  }

  private static SourceRow reject(long line, String reason, String original) {
    return new SourceRow.Rejected(line, reason, original.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether the file was read as 0-based (an index 0 appeared in it). */
  public boolean zeroBased() {
    return zeroBased;
  }

  @Override
  public String description() {
    return "LibSVM " + file + " (" + dimension + " features, " + (zeroBased ? "0" : "1") + "-based, model '"
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
