package io.batchwise.app.serve;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.json.JsonReadFeature;

import io.batchwise.schemas.FeatureNames;

/**
 * Reads the feature vectors of a predict request, {@code {"features": [numbers]}} or
 * {@code {"instances": [[numbers], ...]}}, each vector an array of numbers in the model's order or, for a model
 * that knows its features' names, an object of them ({@code {"nswprice": 0.07, ...}}), as a stream of tokens: a
 * body costs memory only for the numbers it holds, never for a tree of it. Every problem is told in words, with
 * the instance and feature it concerns.
 */
public final class PredictRequest {
  public static final String SHAPE = "expected {\"features\": [numbers]} or {\"instances\": [[numbers], ...]}, "
      + "a vector being an array of numbers or an object of named features";
  // NaN and Infinity are read as numbers so that the answer can name the feature, not the parser's rule
  // the body stays open: the server may still have to drain it
  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).disable(StreamReadFeature.AUTO_CLOSE_SOURCE).build();

  private PredictRequest() {
  }

  /**
   * The instances of a request body.
   *
   * @param maxInstances more than this many instances is a 413
   * @param names        the model's feature names, for vectors given as objects; null when it has none
   * @throws RequestProblem 400 for a body that is not one of the two shapes, 413 for too many instances
   * @throws IOException    when reading the body fails, e.g. when it is larger than its stream allows
   */
  static List<double[]> read(InputStream body, int maxInstances, FeatureNames names) throws RequestProblem, IOException {
    try (JsonParser parser = JSON.createParser(body)) {
      return read(parser, maxInstances, names);
    } catch (JsonEOFException e) {
      throw new RequestProblem(400, "malformed JSON: the body ends before its JSON does");
    } catch (JsonProcessingException e) {
      throw new RequestProblem(400, "malformed JSON at line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + ": " + reason(e));
    }
  }

  /**
   * The instances of one line of {@code score}'s input: a request body, or a bare vector (an array of numbers, or
   * an object of named features).
   */
  public static List<double[]> readLine(String line, FeatureNames names) throws IllegalArgumentException {
    String text = line.strip();
    String body = text.startsWith("[") || isBareObject(text) ? "{\"features\":" + text + "}" : text;
    try {
      return read(new java.io.ByteArrayInputStream(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
          Integer.MAX_VALUE, names);
    } catch (RequestProblem | IOException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  /** True for an object whose first field is not "features" or "instances": a vector of named features. */
  private static boolean isBareObject(String text) {
    try (JsonParser parser = JSON.createParser(text)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      JsonToken field = parser.nextToken();
      return field == JsonToken.FIELD_NAME && !parser.currentName().equals("features")
          && !parser.currentName().equals("instances");
    } catch (IOException e) {
      return false;  // malformed: the request path says how
    }
  }

  private static List<double[]> read(JsonParser parser, int maxInstances, FeatureNames names)
      throws RequestProblem, IOException {
    JsonToken token = parser.nextToken();
    if (token != JsonToken.START_OBJECT) {
      throw new RequestProblem(400, (token == null ? "the body is empty" : "the body is " + describe(parser, token))
          + ": " + SHAPE);
    }
    List<double[]> instances = null;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      token = parser.nextToken();
      if (!field.equals("features") && !field.equals("instances")) {
        throw new RequestProblem(400, "unknown field \"" + field + "\": " + SHAPE);
      }
      if (instances != null) {
        throw new RequestProblem(400, "give either \"features\" or \"instances\", once");
      }
      if (field.equals("features")) {
        instances = List.of(vector(parser, token, null, names));
      } else {
        instances = batch(parser, token, maxInstances, names);
      }
    }
    if (instances == null) {
      throw new RequestProblem(400, "no features: " + SHAPE);
    }
    if (parser.nextToken() != null) {
      throw new RequestProblem(400, "text after the JSON object");
    }
    return instances;
  }

  private static List<double[]> batch(JsonParser parser, JsonToken token, int maxInstances, FeatureNames names)
      throws RequestProblem, IOException {
    if (token != JsonToken.START_ARRAY) {
      throw new RequestProblem(400, "\"instances\" is " + describe(parser, token)
          + ": it must be an array of arrays of numbers");
    }
    List<double[]> instances = new ArrayList<>();
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (instances.size() == maxInstances) {
        throw new RequestProblem(413, "more than the limit of " + maxInstances + " instances in one request ("
            + ServeConfig.MAX_INSTANCES + "): send them in several requests");
      }
      instances.add(vector(parser, token, instances.size(), names));
    }
    return instances;
  }

  /** One vector; {@code instance} is its index in a batch, null for a single "features" vector. */
  private static double[] vector(JsonParser parser, JsonToken token, Integer instance, FeatureNames names)
      throws RequestProblem, IOException {
    String where = instance == null ? "\"features\"" : "instance " + instance;
    if (token == JsonToken.START_OBJECT) {
      return named(parser, instance, names);
    }
    if (token != JsonToken.START_ARRAY) {
      throw new RequestProblem(400, where + " is " + describe(parser, token)
          + ": it must be an array of numbers or an object of named features", instance);
    }
    double[] x = new double[16];
    int n = 0;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      String feature = (instance == null ? "feature " : where + ", feature ") + n;
      double value = number(parser, token, feature, instance);
      if (n == x.length) {
        x = Arrays.copyOf(x, 2 * n);
      }
      x[n++] = value;
    }
    return Arrays.copyOf(x, n);
  }

  /** A vector given as {@code {"name": number, ...}}, in the model's order; every feature named once. */
  private static double[] named(JsonParser parser, Integer instance, FeatureNames names)
      throws RequestProblem, IOException {
    String prefix = instance == null ? "" : "instance " + instance + ": ";
    if (names == null) {
      throw new RequestProblem(400, prefix + "this model does not know its features' names (its events had none): "
          + "send them as an array of numbers in its order", instance);
    }
    double[] x = new double[names.size()];
    boolean[] given = new boolean[names.size()];
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      int position;
      try {
        position = names.position(name);
      } catch (IllegalArgumentException e) {
        throw new RequestProblem(400, prefix + e.getMessage(), instance);
      }
      if (position < 0) {
        throw new RequestProblem(400, prefix + names.unknown(name), instance);
      }
      if (given[position]) {
        throw new RequestProblem(400, prefix + "feature '" + name + "' is given twice", instance);
      }
      x[position] = number(parser, parser.nextToken(),
          (instance == null ? "" : "instance " + instance + ", ") + "feature '" + name + "'", instance);
      given[position] = true;
    }
    String missing = names.missing(given);
    if (missing != null) {
      throw new RequestProblem(400, prefix + missing, instance);
    }
    return x;
  }

  /** The number the parser is at; {@code feature} names it in the problem when it is not a finite number. */
  private static double number(JsonParser parser, JsonToken token, String feature, Integer instance)
      throws RequestProblem, IOException {
    if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
      throw new RequestProblem(400, feature + " is " + describe(parser, token) + ", not a number", instance);
    }
    double value = parser.getDoubleValue();
    if (!Double.isFinite(value)) {
      throw new RequestProblem(400, feature + " is " + parser.getText() + ": features must be finite numbers",
          instance);
    }
    return value;
  }

  private static String describe(JsonParser parser, JsonToken token) throws IOException {
    switch (token) {
      case START_OBJECT:
        return "an object";
      case START_ARRAY:
        return "an array";
      case VALUE_STRING:
        String text = parser.getText();
        return "the string \"" + (text.length() > 20 ? text.substring(0, 20) + "..." : text) + "\"";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return "the number " + parser.getText();
      case VALUE_TRUE:
      case VALUE_FALSE:
        return parser.getText();
      case VALUE_NULL:
        return "null";
      default:
        return token.asString() == null ? token.name().toLowerCase(Locale.ROOT) : token.asString();
    }
  }

  /** Jackson's reason in fewer words: "unexpected character 'x': was expecting comma to separate Array entries". */
  private static String reason(JsonProcessingException e) {
    String reason = e.getOriginalMessage().lines().findFirst().orElse("")
        .replaceAll(" \\(code \\d+\\)", "")
        .replaceAll("\\(('[^']*')\\)", "$1")
        .replaceAll("\\(JSON String, .* or token 'null', 'true' or 'false'\\)", "a JSON value")
        .replaceAll(" \\(for (Array|Object) starting at .*$", "")
        .strip();
    return reason.isEmpty() ? reason : Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
  }
}
