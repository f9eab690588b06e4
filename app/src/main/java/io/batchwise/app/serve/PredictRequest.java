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

/**
 * Reads the feature vectors of a predict request, {@code {"features": [numbers]}} or
 * {@code {"instances": [[numbers], ...]}}, as a stream of tokens: a body costs memory only for the numbers it
 * holds, never for a tree of it. Every problem is told in words, with the instance and feature it concerns.
 */
public final class PredictRequest {
  public static final String SHAPE = "expected {\"features\": [numbers]} or {\"instances\": [[numbers], ...]}";
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
   * @throws RequestProblem 400 for a body that is not one of the two shapes, 413 for too many instances
   * @throws IOException    when reading the body fails, e.g. when it is larger than its stream allows
   */
  static List<double[]> read(InputStream body, int maxInstances) throws RequestProblem, IOException {
    try (JsonParser parser = JSON.createParser(body)) {
      return read(parser, maxInstances);
    } catch (JsonEOFException e) {
      throw new RequestProblem(400, "malformed JSON: the body ends before its JSON does");
    } catch (JsonProcessingException e) {
      throw new RequestProblem(400, "malformed JSON at line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + ": " + reason(e));
    }
  }

  /** The instances of one line of {@code score}'s input: a request body, or a bare array of numbers. */
  public static List<double[]> readLine(String line) throws IllegalArgumentException {
    String text = line.strip();
    String body = text.startsWith("[") ? "{\"features\":" + text + "}" : text;
    try {
      return read(new java.io.ByteArrayInputStream(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
          Integer.MAX_VALUE);
    } catch (RequestProblem | IOException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  private static List<double[]> read(JsonParser parser, int maxInstances) throws RequestProblem, IOException {
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
        instances = List.of(vector(parser, token, null));
      } else {
        instances = batch(parser, token, maxInstances);
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

  private static List<double[]> batch(JsonParser parser, JsonToken token, int maxInstances)
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
      instances.add(vector(parser, token, instances.size()));
    }
    return instances;
  }

  /** One vector; {@code instance} is its index in a batch, null for a single "features" vector. */
  private static double[] vector(JsonParser parser, JsonToken token, Integer instance)
      throws RequestProblem, IOException {
    String where = instance == null ? "\"features\"" : "instance " + instance;
    if (token != JsonToken.START_ARRAY) {
      throw new RequestProblem(400, where + " is " + describe(parser, token) + ": it must be an array of numbers",
          instance);
    }
    double[] x = new double[16];
    int n = 0;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      String feature = (instance == null ? "feature " : where + ", feature ") + n;
      if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
        throw new RequestProblem(400, feature + " is " + describe(parser, token) + ", not a number", instance);
      }
      double value = parser.getDoubleValue();
      if (!Double.isFinite(value)) {
        throw new RequestProblem(400, feature + " is " + parser.getText() + ": features must be finite numbers",
            instance);
      }
      if (n == x.length) {
        x = Arrays.copyOf(x, 2 * n);
      }
      x[n++] = value;
    }
    return Arrays.copyOf(x, n);
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
