package io.batchwise.learner.input;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.batchwise.schemas.DecodedEvent;

class JsonInputTest {
  private final DecodedEvent event = new DecodedEvent();

  private static InputSpec spec(List<String> features, String modelField, String modelId) {
    return new InputSpec(InputFormat.JSON, "class", features, modelField, modelId, List.of());
  }

  private static DecodedEvent decode(InputDecoder decoder, String key, String json, DecodedEvent into) {
    return decoder.decode("t", key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        json.getBytes(StandardCharsets.UTF_8), into);
  }

  private static UndecodableInput problem(InputDecoder decoder, String key, String json) {
    return assertThrows(UndecodableInput.class, () -> decode(decoder, key, json, new DecodedEvent()));
  }

  @Test
  void listedFeaturesInTheirOrderWithTheirNames() {
    InputDecoder decoder = spec(List.of("nswprice", "vicdemand"), "", "elec").newDecoder();
    decode(decoder, null, "{\"date\": \"2026-01-01\", \"vicdemand\": 0.42, \"class\": true, \"nswprice\": \"0.07\","
        + " \"meta\": {\"a\": [1, 2]}}", event);
    assertEquals("elec", event.modelId());
    assertEquals(1.0, event.label());
    assertEquals(1.0, event.weight());
    assertArrayEquals(new double[] {0.07, 0.42}, event.toDense());
    assertEquals(List.of("nswprice", "vicdemand"), event.featureNames());
  }

  @Test
  void everyNumericFieldInTheOrderOfTheirNamesWhateverTheRecordsOrder() {
    InputDecoder decoder = spec(List.of(), "market", "").newDecoder();
    decode(decoder, "key", "{\"b\": 2, \"market\": \"nsw\", \"class\": 0, \"a\": 1, \"note\": \"text\"}", event);
    assertEquals("nsw", event.modelId());
    assertArrayEquals(new double[] {1, 2}, event.toDense());
    List<String> names = event.featureNames();
    assertEquals(List.of("a", "b"), names);
    decode(decoder, "key", "{\"a\": 3, \"class\": 1, \"b\": 4, \"market\": \"nsw\"}", event);
    assertArrayEquals(new double[] {3, 4}, event.toDense());
    assertSame(names, event.featureNames(), "the same names, the same list");
  }

  @Test
  void theModelIsTheFixedIdElseItsFieldElseTheKey() {
    InputDecoder byKey = spec(List.of("x"), "", "").newDecoder();
    assertEquals("from-key", decode(byKey, "from-key", "{\"x\": 1, \"class\": 0}", event).modelId());
    assertEquals("no model: the record has no key", problem(byKey, null, "{\"x\": 1, \"class\": 0}").getMessage());
    InputDecoder byField = spec(List.of("x"), "m", "").newDecoder();
    UndecodableInput missing = problem(byField, "k", "{\"x\": 1, \"class\": 0}");
    assertEquals("no model field 'm'", missing.getMessage());
    assertNull(missing.modelId(), "the dead letter counts on the key's model");
  }

  @Test
  void whatIsMissingOrNotANumberIsSaidByName() {
    InputDecoder decoder = spec(List.of("x", "y"), "", "m").newDecoder();
    assertEquals("no label field 'class'", problem(decoder, null, "{\"x\": 1, \"y\": 2}").getMessage());
    assertEquals("label field 'class' is \"up\", not a number",
        problem(decoder, null, "{\"x\": 1, \"y\": 2, \"class\": \"up\"}").getMessage());
    assertEquals("no feature field 'y'", problem(decoder, null, "{\"x\": 1, \"class\": 1}").getMessage());
    assertEquals("feature field 'y' is null", problem(decoder, null, "{\"x\": 1, \"y\": null, \"class\": 1}").getMessage());
    assertEquals("feature field 'x' is NaN", problem(decoder, null, "{\"x\": NaN, \"y\": 1, \"class\": 1}").getMessage());
    assertEquals("feature field 'y' is an array, not a number",
        problem(decoder, null, "{\"x\": 1, \"y\": [2], \"class\": 1}").getMessage());
    UndecodableInput notJson = problem(decoder, null, "{\"x\": 1,");
    assertEquals("m", notJson.modelId(), "the fixed model is told even when the record cannot be read");
    assertEquals("not a JSON object", problem(decoder, null, "[1, 2]").getMessage());
    assertEquals("not JSON: Duplicate field 'x'",
        problem(decoder, null, "{\"x\": 1, \"x\": 2, \"y\": 1, \"class\": 1}").getMessage());
    assertEquals("empty value (null)", assertThrows(UndecodableInput.class,
        () -> decoder.decode("t", null, null, event)).getMessage());
  }
}
