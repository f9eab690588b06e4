package io.batchwise.learner.input;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.batchwise.schemas.DecodedEvent;

class CsvInputTest {
  private final DecodedEvent event = new DecodedEvent();

  private DecodedEvent decode(InputDecoder decoder, String key, String line) {
    return decoder.decode("t", key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        line.getBytes(StandardCharsets.UTF_8), event);
  }

  private static String problem(InputDecoder decoder, String line) {
    return assertThrows(UndecodableInput.class, () -> decoder.decode("t", "k".getBytes(StandardCharsets.UTF_8),
        line.getBytes(StandardCharsets.UTF_8), new DecodedEvent())).getMessage();
  }

  @Test
  void namedColumnsNameTheFeatures() {
    InputDecoder decoder = new InputSpec(InputFormat.CSV, "class", List.of(), "market", "",
        List.of("nswprice", "market", "class", "vicdemand")).newDecoder();
    decode(decoder, null, "0.07,\"nsw, au\",1,0.42\r\n");
    assertEquals("nsw, au", event.modelId());
    assertEquals(1.0, event.label());
    assertArrayEquals(new double[] {0.07, 0.42}, event.toDense());
    assertEquals(List.of("nswprice", "vicdemand"), event.featureNames());
    assertEquals("expected 4 columns, found 3", problem(decoder, "0.07,nsw,1"));
    assertEquals("column 'vicdemand' is \"high\", not a number", problem(decoder, "0.07,nsw,1,high"));
    assertEquals("the label's column 'class' is empty", problem(decoder, "0.07,nsw,,1"));
    assertEquals("unclosed quote", problem(decoder, "0.07,\"nsw,1,1"));
  }

  @Test
  void unnamedColumnsGoByPositionAndTheKeyNamesTheModel() {
    InputDecoder decoder = new InputSpec(InputFormat.CSV, "3", List.of("2", "1"), "", "", List.of()).newDecoder();
    decode(decoder, "elec", "1.5,2.5,0");
    assertEquals("elec", event.modelId());
    assertArrayEquals(new double[] {2.5, 1.5}, event.toDense());
    assertNull(event.featureNames(), "positions are no names");
    InputDecoder rest = new InputSpec(InputFormat.CSV, "1", List.of(), "", "m", List.of()).newDecoder();
    decode(rest, null, "1,4,5,6");
    assertArrayEquals(new double[] {4, 5, 6}, event.toDense());
    assertEquals("expected at least 3 columns, found 2", problem(decoder, "1,2"));
  }
}
