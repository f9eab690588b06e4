package io.batchwise.app.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.batchwise.schemas.FeatureNames;

class PredictRequestTest {
  private static List<double[]> read(String body, int maxInstances) throws RequestProblem, IOException {
    return PredictRequest.read(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), maxInstances, null);
  }

  private static RequestProblem problem(String body) {
    return assertThrows(RequestProblem.class, () -> read(body, 10));
  }

  @Test
  void readsOneVectorOrABatch() throws Exception {
    assertArrayEquals(new double[] {1, -2.5, 3e-3}, read("{\"features\": [1, -2.5, 3e-3]}", 10).get(0));
    List<double[]> batch = read("{\"instances\": [[1, 2], [3, 4], []]}", 10);
    assertEquals(3, batch.size());
    assertArrayEquals(new double[] {3, 4}, batch.get(1));
    assertEquals(0, batch.get(2).length);
    double[] wide = read("{\"features\": [" + "0.5,".repeat(99) + "0.5]}", 10).get(0);
    assertEquals(100, wide.length);
  }

  @Test
  void malformedJsonSaysWhereInWords() {
    RequestProblem e = problem("{\"features\": [1, x]}");
    assertEquals(400, e.status());
    assertEquals("malformed JSON at line 1, column 18: unrecognized token 'x': was expecting a JSON value", e.getMessage());
    assertEquals("malformed JSON at line 1, column 17: unexpected character '}': expected a value",
        problem("{\"features\": [1,}").getMessage());
    assertEquals("malformed JSON at line 1, column 16: unexpected close marker '}': expected ']'",
        problem("{\"features\": [1}").getMessage());
    assertEquals("malformed JSON at line 1, column 17: unexpected character '2': was expecting comma to separate Array "
        + "entries", problem("{\"features\": [1 2]}").getMessage());
    assertEquals("malformed JSON at line 1, column 3: unexpected character 'f': was expecting double-quote to start "
        + "field name", problem("{ features: [1]}").getMessage());
    assertEquals("malformed JSON: the body ends before its JSON does", problem("{\"features\": [1, 2").getMessage());
    assertEquals("the body is empty: " + PredictRequest.SHAPE, problem("").getMessage());
  }

  @Test
  void aBareNaNIsNamedAsTheFeatureItIs() {
    assertEquals("feature 1 is NaN: features must be finite numbers", problem("{\"features\": [1, NaN]}").getMessage());
    assertEquals("the body is the number NaN: " + PredictRequest.SHAPE, problem("NaN").getMessage());
    RequestProblem e = problem("{\"instances\": [[1, 2], [3, Infinity]]}");
    assertEquals("instance 1, feature 1 is Infinity: features must be finite numbers", e.getMessage());
    assertEquals(1, e.instance());
  }

  @Test
  void aBadInstanceOfABatchIsNamed() {
    RequestProblem e = problem("{\"instances\": [[1, 2], [3, \"abc\"], [5, 6]]}");
    assertEquals("instance 1, feature 1 is the string \"abc\", not a number", e.getMessage());
    assertEquals(1, e.instance());
    assertEquals("instance 2 is the number 7: it must be an array of numbers or an object of named features",
        problem("{\"instances\": [[1], [2], 7]}").getMessage());
    RequestProblem single = problem("{\"features\": [1, null]}");
    assertEquals("feature 1 is null, not a number", single.getMessage());
    assertNull(single.instance());
  }

  @Test
  void theShapeIsTold() {
    assertEquals("unknown field \"feature\": " + PredictRequest.SHAPE, problem("{\"feature\": [1]}").getMessage());
    assertEquals("no features: " + PredictRequest.SHAPE, problem("{}").getMessage());
    assertEquals("the body is an array: " + PredictRequest.SHAPE, problem("[1, 2]").getMessage());
    assertEquals("\"features\" is the string \"1,2\": it must be an array of numbers or an object of named features",
        problem("{\"features\": \"1,2\"}").getMessage());
    assertEquals("give either \"features\" or \"instances\", once",
        problem("{\"features\": [1], \"instances\": [[1]]}").getMessage());
    assertEquals("text after the JSON object", problem("{\"features\": [1]} {}").getMessage());
  }

  @Test
  void tooManyInstancesIs413BeforeTheRestIsRead() {
    RequestProblem e = assertThrows(RequestProblem.class, () -> read("{\"instances\": [[1], [2], [3]]}", 2));
    assertEquals(413, e.status());
    assertEquals("more than the limit of 2 instances in one request (serve.max.instances): send them in several requests",
        e.getMessage());
  }

  @Test
  void aBodyPastItsLimitStopsBeingRead() {
    InputStream endless = new InputStream() {
      private long given;

      @Override
      public int read() {
        given++;
        return given == 1 ? '{' : ' ';
      }
    };
    BoundedBody.TooLarge e = assertThrows(BoundedBody.TooLarge.class,
        () -> PredictRequest.read(new BoundedBody(endless, 4096), 10, null));
    assertEquals("request body over the limit of 4096 bytes (serve.max.body.bytes)", e.getMessage());
  }

  @Test
  void scoreLinesMayBeBareArrays() {
    assertArrayEquals(new double[] {1, 2}, PredictRequest.readLine("[1, 2]", null).get(0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PredictRequest.readLine("[1, \"x\"]", null));
    assertEquals("feature 1 is the string \"x\", not a number", e.getMessage());
    assertArrayEquals(new double[] {0.5, 2}, PredictRequest.readLine("{\"b\": 2, \"a\": 0.5}", ELEC).get(0));
  }

  private static final FeatureNames ELEC = new FeatureNames(List.of("a", "b"));

  private static RequestProblem namedProblem(String body) {
    return assertThrows(RequestProblem.class,
        () -> PredictRequest.read(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), 10, ELEC));
  }

  @Test
  void vectorsMayNameTheirFeaturesInAnyOrder() throws Exception {
    List<double[]> one = PredictRequest.read(new ByteArrayInputStream(
        "{\"features\": {\"b\": 2, \"a\": 0.07}}".getBytes(StandardCharsets.UTF_8)), 10, ELEC);
    assertArrayEquals(new double[] {0.07, 2}, one.get(0));
    List<double[]> mixed = PredictRequest.read(new ByteArrayInputStream(
        "{\"instances\": [[1, 2], {\"a\": 3, \"b\": 4}]}".getBytes(StandardCharsets.UTF_8)), 10, ELEC);
    assertArrayEquals(new double[] {3, 4}, mixed.get(1));

    assertEquals("unknown feature 'c' (the model's features: a, b)",
        namedProblem("{\"features\": {\"a\": 1, \"c\": 2}}").getMessage());
    assertEquals("feature 'b' is missing (the model takes 2)", namedProblem("{\"features\": {\"a\": 1}}").getMessage());
    assertEquals("feature 'a' is given twice", namedProblem("{\"features\": {\"a\": 1, \"a\": 2}}").getMessage());
    RequestProblem inBatch = namedProblem("{\"instances\": [{\"a\": 1, \"b\": 2}, {\"a\": 1, \"b\": \"x\"}]}");
    assertEquals("instance 1, feature 'b' is the string \"x\", not a number", inBatch.getMessage());
    assertEquals(1, inBatch.instance());
    assertEquals("instance 0: features 'a', 'b' are missing (the model takes 2)",
        namedProblem("{\"instances\": [{}]}").getMessage());
    RequestProblem unnamed = problem("{\"features\": {\"a\": 1}}");
    assertEquals(400, unnamed.status());
    assertEquals("this model does not know its features' names (its events had none): send them as an array of "
        + "numbers in its order", unnamed.getMessage());
  }
}
