package io.batchwise.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Random;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {
  private static LabelledEvent event() {
    return LabelledEvent.newBuilder()
        .setModelId("m")
        .setEventId("e-1")
        .setEventTime(Instant.ofEpochMilli(1_700_000_000_123L))
        .setFeatures(new SparseFeatures(10, List.of(1, 7), List.of(0.5, -2.0)))
        .setLabel(1.0)
        .setWeight(2.0)
        .build();
  }

  @Test
  void roundTripsEveryRecordType() {
    AvroSerde<LabelledEvent> serde = Serdes.labelledEvent();
    LabelledEvent original = event();
    assertEquals(original, serde.deserialize("t", serde.serialize("t", original)));
    DeadLetter letter = DeadLetter.newBuilder().setSourceTopic("events").setPartition(0).setOffset(7)
        .setTimestamp(Instant.ofEpochMilli(1)).setReason("bad").setDetectedBy("learner")
        .setOriginalValue(ByteBuffer.wrap(new byte[] {1, 2})).build();
    assertEquals(letter, Serdes.deadLetter().deserialize("t", Serdes.deadLetter().serialize("t", letter)));
    assertNull(serde.serialize("t", null));
    assertNull(serde.deserialize("t", null));
  }

  @Test
  void bytesAreStandardSingleObjectEncoding() {
    byte[] bytes = Serdes.labelledEvent().serialize("t", event());
    assertEquals((byte) 0xC3, bytes[0]);
    assertEquals((byte) 0x01, bytes[1]);
    long fingerprint = SchemaNormalization.parsingFingerprint64(LabelledEvent.getClassSchema());
    long written = ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(fingerprint, written, "CRC-64-AVRO fingerprint of the writer schema, little-endian");
  }

  /** A record written by an older producer (before {@code weight} existed) still reads, with the default. */
  @Test
  void readsRecordsWrittenWithAnOlderSchemaVersion() throws Exception {
    Schema current = LabelledEvent.getClassSchema();
    String olderJson = current.toString()
        .replace(",{\"name\":\"weight\",\"type\":[\"null\",\"double\"],\"doc\":\"Example weight; null means 1.\",\"default\":null}", "");
    Schema older = new Schema.Parser().parse(olderJson);
    assertEquals(current.getFields().size() - 1, older.getFields().size(), "the older schema lacks weight");

    GenericRecord dense = new GenericData.Record(older.getField("features").schema().getTypes().get(0));
    dense.put("values", List.of(1.0, 2.0));
    GenericRecord record = new GenericData.Record(older);
    record.put("modelId", "m");
    record.put("eventId", "old-1");
    record.put("eventTime", 42L);
    record.put("features", dense);
    record.put("label", 0.0);
    byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(record).array();

    AvroSerde<LabelledEvent> serde = Serdes.labelledEvent();
    SerializationException unknown = assertThrows(SerializationException.class, () -> serde.deserialize("t", bytes));
    assertTrue(unknown.getMessage().contains("LabelledEvent"), unknown.getMessage());

    LabelledEvent read = serde.acceptWriterSchema(older).deserialize("t", bytes);
    assertEquals("old-1", read.getEventId());
    assertNull(read.getWeight());
    assertEquals(List.of(1.0, 2.0), ((DenseFeatures) read.getFeatures()).getValues());
  }

  /**
   * Snapshots written before the learner kept its checkpoint apart (their optimizer slots, policy state and
   * learnedThrough) read with today's schema, which drops those fields.
   */
  @Test
  void readsSnapshotsOfTheFirstSchemaVersion() throws Exception {
    Schema first = SchemaHistory.olderVersionsOf(ModelSnapshot.getClassSchema().getFullName()).get(0);
    assertTrue(first.getField("policyState") != null && ModelSnapshot.getClassSchema().getField("policyState") == null);
    GenericRecord architecture = new GenericData.Record(first.getField("architecture").schema());
    architecture.put("kind", "logistic");
    architecture.put("spec", "logistic");
    architecture.put("featureCount", 1);
    architecture.put("outputCount", 1);
    GenericRecord layer = new GenericData.Record(architecture.getSchema().getField("layers").schema().getElementType());
    layer.put("inputs", 1);
    layer.put("outputs", 1);
    layer.put("activation", "sigmoid");
    architecture.put("layers", List.of(layer));
    architecture.put("loss", "log");
    GenericRecord optimizer = new GenericData.Record(first.getField("optimizer").schema());
    optimizer.put("spec", "sgd:0.1");
    optimizer.put("steps", 3L);
    optimizer.put("state", List.of(9.0, 9.0));
    GenericRecord metrics = new GenericData.Record(first.getField("metrics").schema());
    for (String field : List.of("examples", "logLoss", "accuracy", "recentLogLoss", "recentAccuracy")) {
      metrics.put(field, 0.5);
    }
    GenericRecord old = new GenericData.Record(first);
    old.put("modelId", "m");
    old.put("version", 7L);
    old.put("createdAt", 1000L);
    old.put("examplesSeen", 12L);
    old.put("updates", 3L);
    old.put("architecture", architecture);
    old.put("parameters", List.of(0.5, -0.25));
    old.put("optimizer", optimizer);
    old.put("batchSize", 4);
    old.put("learningRate", 0.1);
    old.put("batchingPolicy", "fixed:4");
    old.put("policyState", List.of(1.0));
    old.put("metrics", metrics);
    old.put("deadLetters", 2L);
    old.put("learnedThrough", 40L);
    ByteBuffer encoded = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), first).encode(old);

    ModelSnapshot read = Serdes.modelSnapshot().deserialize("t", java.util.Arrays.copyOfRange(encoded.array(),
        encoded.position(), encoded.limit()));
    assertEquals(7L, read.getVersion());
    assertEquals(List.of(0.5, -0.25), read.getParameters());
    assertEquals("sgd:0.1", read.getOptimizer().getSpec());
    assertEquals(2L, read.getDeadLetters());
    assertNull(read.getFeatureNames());
  }

  @Test
  void garbageGivesAClearSerializationException() {
    AvroSerde<LabelledEvent> serde = Serdes.labelledEvent();
    Random random = new Random(7);
    for (int n = 0; n < 200; n++) {
      byte[] garbage = new byte[random.nextInt(64)];
      random.nextBytes(garbage);
      SerializationException e = assertThrows(SerializationException.class, () -> serde.deserialize("events", garbage));
      assertTrue(e.getMessage().startsWith("Cannot decode LabelledEvent"), e.getMessage());
    }
    // a valid header followed by a corrupt body
    byte[] valid = serde.serialize("t", event());
    byte[] truncated = java.util.Arrays.copyOf(valid, 14);
    assertThrows(SerializationException.class, () -> serde.deserialize("events", truncated));
    byte[] corrupt = valid.clone();
    for (int i = 10; i < corrupt.length; i++) {
      corrupt[i] = (byte) 0xFF;
    }
    assertThrows(SerializationException.class, () -> serde.deserialize("events", corrupt));
    assertArrayEquals(valid, serde.serialize("t", serde.deserialize("t", valid)));
  }
}
