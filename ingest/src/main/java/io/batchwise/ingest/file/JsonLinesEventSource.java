package io.batchwise.ingest.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.batchwise.ingest.EventSource;
import io.batchwise.ingest.Features;
import io.batchwise.ingest.MissingValuePolicy;
import io.batchwise.ingest.SourceOptions;
import io.batchwise.ingest.SourceRow;
import io.batchwise.schemas.LabelledEvent;

/**
 * Reads JSON Lines (one JSON object per line) into {@code DenseFeatures}, in one of two shapes, chosen by the
 * file's first object:
 * <ul>
 *   <li>array: {@code {"features": [0.1, 2, ...], "label": 1}}, every array as long as the first (or
 *       {@link SourceOptions#featureCount()} when given);</li>
 *   <li>named: {@code {"x1": 0.1, "x2": 2, "label": 1}}: every field other than the label and {@code weight}
 *       is a feature, in the order of the first object's fields; a later object may list them in any order,
 *       but a field the first object did not have rejects the row.</li>
 * </ul>
 * The label field is {@link SourceOptions#labelColumn()}; the key field, when given
 * ({@link SourceOptions#keyColumn()}), is each record's key and no feature. An optional {@code "weight"} field (a positive finite
 * number) becomes the event weight. Feature values are JSON numbers, numeric strings, or booleans (1/0);
 * {@code null} or an absent named field is missing ({@link SourceOptions#missingValues()}; MEAN uses each
 * feature's mean over the file, from a scan at opening). A line that is not a JSON object, a non-numeric value,
 * a wrong array length, or a missing/non-finite label rejects the row. Blank lines are skipped.
 */
public final class JsonLinesEventSource implements EventSource {
  private static final String FEATURES = "features";
  private static final String WEIGHT = "weight";

  private final Path file;
  private final SourceOptions options;
  private final String fileName;
  private final ObjectMapper mapper = new ObjectMapper();
  private final boolean arrayShape;
  private final List<String> names;
  private final Map<String, Integer> positions = new LinkedHashMap<>();
  private final int dimension;
  private final double[] means;
  private final LabelRule labelRule;
  private final Clock clock;
  private final TextLines lines;

  public JsonLinesEventSource(Path file, SourceOptions options) throws IOException {
    this.file = file;
    this.options = options;
    this.fileName = file.getFileName().toString();
    this.clock = options.clock();
    String label = options.labelColumn();
    JsonNode first = null;
    try (TextLines scan = new TextLines(file)) {
      for (String line = scan.next(); line != null && first == null; line = scan.next()) {
        JsonNode node = parse(line);
        if (node != null && node.isObject()) {
          first = node;
        }
      }
    }
    if (first == null) {
      throw new IllegalArgumentException(file + ": no JSON object in the file");
    }
    this.arrayShape = first.has(FEATURES) && first.get(FEATURES).isArray();
    this.names = new ArrayList<>();
    if (arrayShape) {
      dimension = options.featureCount() > 0 ? options.featureCount() : first.get(FEATURES).size();
    } else {
      Iterator<String> fields = first.fieldNames();
      while (fields.hasNext()) {
        String name = fields.next();
        if (!name.equals(label) && !name.equals(WEIGHT) && !name.equals(options.keyColumn())) {
          positions.put(name, names.size());
          names.add(name);
        }
      }
      dimension = names.size();
    }
    if (dimension == 0) {
      throw new IllegalArgumentException(file + ": the first object has no features besides the label '" + label + "'");
    }
    double[] sums = new double[dimension];
    long[] counts = new long[dimension];
    LabelRule.LabelStats labels = new LabelRule.LabelStats();
    try (TextLines scan = new TextLines(file)) {
      for (String line = scan.next(); line != null; line = scan.next()) {
        JsonNode node = parse(line);
        if (node == null || !node.isObject()) {
          continue;
        }
        double y = NumberText.parseFinite(text(node.get(label)));
        if (!Double.isNaN(y)) {
          labels.add(y);
        }
        for (int i = 0; i < dimension; i++) {
          JsonNode value = arrayShape ? (node.get(FEATURES) == null ? null : node.get(FEATURES).get(i))
              : node.get(names.get(i));
          double x = NumberText.parseFinite(text(value));
          if (!Double.isNaN(x)) {
            sums[i] += x;
            counts[i]++;
          }
        }
      }
    }
    this.means = new double[dimension];
    for (int i = 0; i < dimension; i++) {
      means[i] = counts[i] == 0 ? 0.0 : sums[i] / counts[i];
    }
    this.labelRule = LabelRule.of(options.positiveLabel(), options.labelMapping(), labels);
    this.lines = new TextLines(file);
  }

  /** The object on the line, null for a blank line or text that is not JSON. */
  private JsonNode parse(String line) {
    if (line.isBlank()) {
      return null;
    }
    try {
      return mapper.readTree(line);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** A scalar as text for the number rules: missing/null as empty, booleans as 1/0. */
  private static String text(JsonNode node) {
    if (node == null || node.isNull()) {
      return "";
    }
    if (node.isBoolean()) {
      return node.booleanValue() ? "1" : "0";
    }
    if (node.isValueNode()) {
      return node.asText().trim();
    }
    return "{}";
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
    JsonNode node;
    try {
      node = mapper.readTree(line);
    } catch (JsonProcessingException e) {
      return reject(number, "not JSON: " + e.getOriginalMessage(), line);
    }
    if (node == null || !node.isObject()) {
      return reject(number, "not a JSON object", line);
    }
    String labelText = text(node.get(options.labelColumn()));
    double label = labelRule.apply(labelText);
    if (Double.isNaN(label)) {
      return reject(number, LabelRule.problem(options.labelColumn(), labelText), line);
    }
    String key = null;
    if (options.keyColumn() != null) {
      key = text(node.get(options.keyColumn()));
      if (NumberText.isMissing(key)) {
        return reject(number, "key field '" + options.keyColumn() + "' is missing", line);
      }
    }
    Double weight = null;
    if (node.has(WEIGHT) && !node.get(WEIGHT).isNull()) {
      double w = NumberText.parseFinite(text(node.get(WEIGHT)));
      if (!(w > 0)) {
        return reject(number, "weight '" + text(node.get(WEIGHT)) + "' is not a positive finite number", line);
      }
      weight = w;
    }
    double[] x = new double[dimension];
    if (arrayShape) {
      JsonNode array = node.get(FEATURES);
      if (array == null || !array.isArray()) {
        return reject(number, "no \"features\" array", line);
      }
      if (array.size() != dimension) {
        return reject(number, "expected " + dimension + " features, found " + array.size(), line);
      }
      for (int i = 0; i < dimension; i++) {
        String problem = value(array.get(i), i, "feature " + i, x);
        if (problem != null) {
          return reject(number, problem, line);
        }
      }
    } else {
      Iterator<String> fields = node.fieldNames();
      while (fields.hasNext()) {
        String name = fields.next();
        if (!positions.containsKey(name) && !name.equals(options.labelColumn()) && !name.equals(WEIGHT)
            && !name.equals(options.keyColumn())) {
          return reject(number, "unexpected field '" + name + "' (the first object's fields are " + names + ")", line);
        }
      }
      for (int i = 0; i < dimension; i++) {
        String problem = value(node.get(names.get(i)), i, "field '" + names.get(i) + "'", x);
        if (problem != null) {
          return reject(number, problem, line);
        }
      }
    }
    LabelledEvent event = new LabelledEvent(options.modelId(), fileName + ":" + number, clock.instant(),
        Features.dense(x), label, weight, null);
    return new SourceRow.Valid(event, number, key);
  }

  /** Stores feature {@code i} into {@code x}; returns why it cannot, or null. */
  private String value(JsonNode node, int i, String what, double[] x) {
    String text = text(node);
    if (NumberText.isMissing(text)) {
      if (options.missingValues() == MissingValuePolicy.REJECT) {
        return what + " is missing";
      }
      x[i] = options.missingValues() == MissingValuePolicy.MEAN ? means[i] : 0.0;
      return null;
    }
    double value = NumberText.parseFinite(text);
    if (Double.isNaN(value)) {
      return what + ": '" + text + "' is not a finite number";
    }
    x[i] = value;
    return null;
  }

  private static SourceRow reject(long line, String reason, String original) {
    return new SourceRow.Rejected(line, reason, original.getBytes(StandardCharsets.UTF_8));
  }

  /** Feature names: the named shape's field names; none for feature arrays. */
  @Override
  public List<String> featureNames() {
    return List.copyOf(names);
  }

  @Override
  public String description() {
    return "JSON Lines " + file + " (" + (arrayShape ? "feature arrays" : "named fields") + ", label '"
        + options.labelColumn() + "', " + dimension + " features, model '" + options.modelId() + "')";
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
