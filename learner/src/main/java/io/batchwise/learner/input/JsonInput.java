package io.batchwise.learner.input;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;

import io.batchwise.schemas.DecodedEvent;

/**
 * JSON objects as events, read as a stream of tokens (no tree): the label field, the listed feature fields in
 * their order, or every numeric field in the order of their names (so that the order does not depend on how a
 * producer happened to write a record), and the model from its field, a fixed id or the record's key. The
 * features are named after their fields. A field may be a number, a boolean (1/0) or a numeric string; other
 * fields are ignored. What is missing or not a number is said, with the field's name, in the dead letter.
 */
final class JsonInput implements InputDecoder {
  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private final InputSpec spec;
  /** The listed features: their names, and each one's position. Empty when every numeric field is one. */
  private final List<String> listed;
  private final Map<String, Integer> positions = new HashMap<>();
  private final boolean[] given;
  /** Every numeric field of the record being read (when none are listed), and the names of the last record's. */
  private final List<String> found = new ArrayList<>();
  private double[] foundValues = new double[16];
  private List<String> lastNames = List.of();

  JsonInput(InputSpec spec) {
    this.spec = spec;
    this.listed = spec.features();
    for (int i = 0; i < listed.size(); i++) {
      positions.put(listed.get(i), i);
    }
    this.given = new boolean[listed.size()];
  }

  @Override
  public DecodedEvent decode(String topic, byte[] key, byte[] value, DecodedEvent into) {
    String model = model(spec, key);
    if (value == null) {
      throw new UndecodableInput("empty value (null)", model);
    }
    double label = Double.NaN;
    String problem = null;
    double[] x = listed.isEmpty() ? null : into.denseValues(listed.size());
    Arrays.fill(given, false);
    found.clear();
    try (JsonParser parser = JSON.createParser(value)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new UndecodableInput("not a JSON object", model);
      }
      boolean labelSeen = false;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken token = parser.nextToken();
        if (name.equals(spec.label())) {
          labelSeen = true;
          label = number(parser, token);
          if (problem == null && Double.isNaN(label)) {
            problem = "label field '" + name + "' is " + describe(parser, token);
          }
        } else if (name.equals(spec.modelField())) {
          model = token.isScalarValue() && token != JsonToken.VALUE_NULL ? parser.getText() : model;
        } else if (x != null) {
          Integer position = positions.get(name);
          if (position != null) {
            x[position] = number(parser, token);
            given[position] = true;
            if (problem == null && !Double.isFinite(x[position])) {
              problem = "feature field '" + name + "' is " + describe(parser, token);
            }
          }
        } else if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
          keep(name, parser.getDoubleValue());
        }
        parser.skipChildren();
      }
      if (!labelSeen) {
        problem = "no label field '" + spec.label() + "'";
      }
    } catch (JsonProcessingException e) {
      throw new UndecodableInput("not JSON: " + e.getOriginalMessage(), model);
    } catch (IOException e) {
      throw new UndecodableInput("not JSON: " + e.getMessage(), model);
    }
    if (model == null) {
      throw new UndecodableInput(spec.modelField().isEmpty() ? "no model: the record has no key"
          : "no model field '" + spec.modelField() + "'", null);
    }
    for (int i = 0; problem == null && i < given.length; i++) {
      if (!given[i]) {
        problem = "no feature field '" + listed.get(i) + "'";
      }
    }
    if (problem != null) {
      throw new UndecodableInput(problem, model);
    }
    into.start(model, 0);
    into.finish(label, 1.0);
    into.featureNames(x != null ? listed : sortedFound(into));
    return into;
  }

  /** The model a record belongs to before its fields are read: the fixed one, else the key where no field names it. */
  static String model(InputSpec spec, byte[] key) {
    if (!spec.modelId().isEmpty()) {
      return spec.modelId();
    }
    return spec.modelField().isEmpty() && key != null ? new String(key, StandardCharsets.UTF_8) : null;
  }

  private void keep(String name, double value) {
    if (found.size() == foundValues.length) {
      foundValues = Arrays.copyOf(foundValues, 2 * foundValues.length);
    }
    foundValues[found.size()] = value;
    found.add(name);
  }

  /** Puts the numeric fields found into the event in the order of their names; returns the names. */
  private List<String> sortedFound(DecodedEvent into) {
    int n = found.size();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> found.get(a).compareTo(found.get(b)));
    double[] x = into.denseValues(n);
    boolean same = lastNames.size() == n;
    for (int i = 0; i < n; i++) {
      x[i] = foundValues[order[i]];
      if (same && !lastNames.get(i).equals(found.get(order[i]))) {
        same = false;
      }
    }
    if (!same) {
      String[] names = new String[n];
      for (int i = 0; i < n; i++) {
        names[i] = found.get(order[i]);
      }
      lastNames = List.of(names);
    }
    return lastNames;
  }

  /** The token as a number: numbers, booleans (1/0), numeric strings; NaN for anything else. */
  private static double number(JsonParser parser, JsonToken token) throws IOException {
    switch (token) {
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return parser.getDoubleValue();
      case VALUE_TRUE:
        return 1;
      case VALUE_FALSE:
        return 0;
      case VALUE_STRING:
        try {
          return Double.parseDouble(parser.getText().strip());
        } catch (NumberFormatException e) {
          return Double.NaN;
        }
      default:
        return Double.NaN;
    }
  }

  private static String describe(JsonParser parser, JsonToken token) throws IOException {
    switch (token) {
      case START_OBJECT:
        return "an object, not a number";
      case START_ARRAY:
        return "an array, not a number";
      case VALUE_NULL:
        return "null";
      case VALUE_STRING:
        String text = parser.getText();
        return "\"" + (text.length() > 20 ? text.substring(0, 20) + "..." : text) + "\", not a number";
      default:
        return parser.getText();
    }
  }
}
