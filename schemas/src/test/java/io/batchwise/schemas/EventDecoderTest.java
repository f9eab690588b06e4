package io.batchwise.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** The hand-written decoder against Avro's own reader, on every form of features and every schema version. */
class EventDecoderTest {
  private final EventDecoder decoder = new EventDecoder();
  private final AvroSerde<LabelledEvent> serde = Serdes.labelledEvent();

  private static LabelledEvent event(Object features, Double weight) {
    return LabelledEvent.newBuilder().setModelId("model-é").setEventId("an event id").setEventTime(Instant.ofEpochMilli(1_700_000_000_123L))
        .setFeatures(features).setLabel(1.0).setWeight(weight).build();
  }

  private static ByteBuffer packed(double[] values, boolean float32) {
    ByteBuffer b = ByteBuffer.allocate(values.length * (float32 ? 4 : 8)).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      if (float32) {
        b.putFloat((float) v);
      } else {
        b.putDouble(v);
      }
    }
    return b.flip();
  }

  /** Decodes with the fast path and through Avro's generated reader (DecodedEvent.set): both must agree. */
  private void assertDecodesAsAvroDoes(byte[] bytes) {
    DecodedEvent fast = decoder.decode("t", bytes, new DecodedEvent());
    DecodedEvent avro = new DecodedEvent().set(serde.deserialize("t", bytes));
    assertEquals(avro.modelId(), fast.modelId());
    assertEquals(avro.eventTime(), fast.eventTime());
    assertEquals(avro.label(), fast.label());
    assertEquals(avro.weight(), fast.weight());
    assertEquals(avro.sparse(), fast.sparse());
    assertEquals(avro.size(), fast.size());
    assertEquals(avro.count(), fast.count());
    assertEquals(avro.featureNames(), fast.featureNames());
    assertArrayEquals(Arrays.copyOf(avro.values(), avro.count()), Arrays.copyOf(fast.values(), fast.count()));
    if (avro.sparse()) {
      assertArrayEquals(Arrays.copyOf(avro.indices(), avro.count()), Arrays.copyOf(fast.indices(), fast.count()));
    }
  }

  @Test
  void decodesEveryFormOfFeaturesAsAvroDoes() {
    Random random = new Random(5);
    double[] x = random.doubles(784).toArray();
    List<Double> list = new ArrayList<>();
    for (double v : x) {
      list.add(v);
    }
    assertDecodesAsAvroDoes(serde.serialize("t", event(new DenseFeatures(list), null)));
    assertDecodesAsAvroDoes(serde.serialize("t", event(new DenseFeatures(List.of()), 2.5)));
    assertDecodesAsAvroDoes(serde.serialize("t", event(new SparseFeatures(1000, List.of(3, 70, 999), List.of(0.5, -1.0, 7.0)), 0.0)));
    assertDecodesAsAvroDoes(serde.serialize("t", event(new PackedFeatures(ValueEncoding.FLOAT64_LE, packed(x, false)), null)));
    assertDecodesAsAvroDoes(serde.serialize("t", event(new PackedFeatures(ValueEncoding.FLOAT32_LE, packed(x, true)), 3.0)));
    DecodedEvent view = decoder.decode("t", serde.serialize("t", event(new PackedFeatures(ValueEncoding.FLOAT64_LE, packed(x, false)), null)), new DecodedEvent());
    assertArrayEquals(x, Arrays.copyOf(view.values(), view.count()), "float64 packing is exact");
    assertEquals(1.0, view.weight(), "no weight means 1");
  }

  @Test
  void readsFeatureNamesAndSharesOneListWhileTheyRepeat() {
    LabelledEvent named = event(new DenseFeatures(List.of(1.0, 2.0)), null);
    named.setFeatureNames(List.of("nswprice", "vicdemand é"));
    byte[] bytes = serde.serialize("t", named);
    assertDecodesAsAvroDoes(bytes);
    DecodedEvent view = new DecodedEvent();
    List<String> first = decoder.decode("t", bytes, view).featureNames();
    assertEquals(List.of("nswprice", "vicdemand é"), first);
    assertTrue(first == decoder.decode("t", bytes, view).featureNames(), "the same names, the same list");
    decoder.decode("t", serde.serialize("t", event(new DenseFeatures(List.of(1.0, 2.0)), null)), view);
    assertEquals(null, view.featureNames(), "an event without names has none, whatever the one before had");
    named.setFeatureNames(List.of());
    assertDecodesAsAvroDoes(serde.serialize("t", named));
  }

  /** One view reused over records of different widths and forms keeps nothing of the previous one. */
  @Test
  void aReusedViewHoldsOnlyTheLastRecord() {
    DecodedEvent view = new DecodedEvent();
    decoder.decode("t", serde.serialize("t", event(new SparseFeatures(50, List.of(1, 2), List.of(5.0, 6.0)), null)), view);
    decoder.decode("t", serde.serialize("t", event(new DenseFeatures(List.of(1.0, 2.0, 3.0)), null)), view);
    assertFalse(view.sparse());
    assertEquals(3, view.size());
    assertArrayEquals(new double[] {1, 2, 3}, view.toDense());
  }

  /** Records of every earlier schema version decode on the fast path, as Avro's resolution reads them. */
  @Test
  void readsEveryEarlierSchemaVersionAsAvroResolvesIt() throws Exception {
    List<Schema> older = SchemaHistory.olderVersionsOf(LabelledEvent.getClassSchema().getFullName());
    assertFalse(older.isEmpty());
    for (Schema schema : older) {
      GenericRecord dense = new GenericData.Record(schema.getField("features").schema().getTypes().get(0));
      dense.put("values", List.of(0.25, -4.0, 1e300));
      GenericRecord sparse = new GenericData.Record(schema.getField("features").schema().getTypes().get(1));
      sparse.put("size", 9);
      sparse.put("indices", List.of(0, 8));
      sparse.put("values", List.of(1.5, 2.5));
      for (GenericRecord features : List.of(dense, sparse)) {
        GenericRecord record = new GenericData.Record(schema);
        record.put("modelId", "old");
        record.put("eventId", "e");
        record.put("eventTime", 1234L);
        record.put("features", features);
        record.put("label", 0.0);
        record.put("weight", 0.5);
        ByteBuffer encoded = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(record);
        assertDecodesAsAvroDoes(Arrays.copyOfRange(encoded.array(), encoded.position(), encoded.limit()));
      }
    }
  }

  @Test
  void corruptBytesFailWithAReasonNeverWithAnythingElse() {
    LabelledEvent named = event(new DenseFeatures(List.of(1.0, 2.0)), null);
    named.setFeatureNames(List.of("a", "b"));
    byte[] good = serde.serialize("t", named);
    Random random = new Random(3);
    for (int cut = 0; cut < good.length; cut++) {
      byte[] truncated = Arrays.copyOf(good, cut);
      SerializationException e = assertThrows(SerializationException.class,
          () -> decoder.decode("t", truncated, new DecodedEvent()), "cut at " + cut);
      assertTrue(e.getMessage().contains("LabelledEvent") || e.getMessage().contains("decode"), e.getMessage());
    }
    for (int trial = 0; trial < 2000; trial++) {
      byte[] corrupt = good.clone();
      corrupt[10 + random.nextInt(corrupt.length - 10)] = (byte) random.nextInt(256);
      try {
        decoder.decode("t", corrupt, new DecodedEvent());
      } catch (SerializationException expected) {
        // a reason, not an OutOfMemoryError or an ArrayIndexOutOfBoundsException
      }
    }
    byte[] misPacked = serde.serialize("t", event(new PackedFeatures(ValueEncoding.FLOAT64_LE, ByteBuffer.wrap(new byte[12])), null));
    SerializationException e = assertThrows(SerializationException.class, () -> decoder.decode("t", misPacked, new DecodedEvent()));
    assertTrue(e.getMessage().contains("not a whole number"), e.getMessage());
    assertThrows(SerializationException.class, () -> decoder.decode("t", "not avro".getBytes(), new DecodedEvent()));
  }
}
