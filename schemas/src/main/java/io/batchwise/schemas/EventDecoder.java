package io.batchwise.schemas;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Decodes {@link LabelledEvent} bytes (single-object encoding) into a reused {@link DecodedEvent}. Avro's
 * generated reader builds a record, a list and one boxed {@code Double} per feature value: at 784 features
 * that was most of the stream thread's time. This reads the binary datum field by field instead, for the
 * current schema and every earlier version whose layout it extends (the earlier ones added a union branch at the
 * end, which leaves the older records' bytes as they were; the current one appended the optional feature names,
 * which only its own records have; {@code EventDecoderTest} checks every one of them against Avro's own reader).
 * Records of any other writer schema the Serde knows go through Avro's schema resolution.
 *
 * <p>Not thread-safe: one instance per stream thread.
 */
public final class EventDecoder {
  private static final byte MARKER_0 = (byte) 0xC3;
  private static final byte MARKER_1 = (byte) 0x01;
  private static final int HEADER = 10;

  private final Set<Long> directLayouts = new HashSet<>();
  /** The layout that ends with the feature names: the current schema's. */
  private final long namedLayout = SchemaNormalization.parsingFingerprint64(LabelledEvent.getClassSchema());
  private final AvroSerde<LabelledEvent> resolving = Serdes.labelledEvent();
  private BinaryDecoder decoder;
  private ByteBuffer bytes;
  /** The names last decoded: events that repeat them share one list, which the learner compares by reference. */
  private List<String> lastNames;

  public EventDecoder() {
    directLayouts.add(namedLayout);
    for (Schema older : SchemaHistory.olderVersionsOf(LabelledEvent.getClassSchema().getFullName())) {
      directLayouts.add(SchemaNormalization.parsingFingerprint64(older));
    }
  }

  /**
   * Decodes one record into {@code into}.
   *
   * @throws SerializationException when the bytes are not a LabelledEvent of a known schema, saying why
   */
  public DecodedEvent decode(String topic, byte[] value, DecodedEvent into) {
    if (value == null) {
      throw new SerializationException("empty value (null)");
    }
    long fingerprint = value.length < HEADER ? 0 : ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (value.length < HEADER || value[0] != MARKER_0 || value[1] != MARKER_1 || !directLayouts.contains(fingerprint)) {
      LabelledEvent event = resolving.deserialize(topic, value);  // says why when it cannot
      try {
        return into.set(event);
      } catch (IllegalArgumentException e) {
        throw new SerializationException("Cannot decode LabelledEvent on topic " + topic + ": " + e.getMessage(), e);
      }
    }
    try {
      decoder = DecoderFactory.get().binaryDecoder(value, HEADER, value.length - HEADER, decoder);
      readDatum(value.length - HEADER, fingerprint == namedLayout, into);
      return into;
    } catch (IOException | RuntimeException e) {
      String message = e.getMessage();
      throw new SerializationException("Cannot decode LabelledEvent from " + value.length + " bytes on topic " + topic
          + ": " + e.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")"), e);
    }
  }

  /** Field by field in the schema's order: modelId, eventId, eventTime, features, label, weight, featureNames. */
  private void readDatum(int length, boolean named, DecodedEvent into) throws IOException {
    String modelId = decoder.readString();
    decoder.skipString();
    into.start(modelId, decoder.readLong());
    switch (decoder.readIndex()) {
      case 0 -> readDense(length, into);
      case 1 -> readSparse(length, into);
      case 2 -> {
        ValueEncoding encoding = ValueEncoding.values()[decoder.readEnum()];
        bytes = decoder.readBytes(bytes);
        into.packed(encoding, bytes);
      }
      default -> throw new IOException("unknown features branch");
    }
    double label = decoder.readDouble();
    double weight = decoder.readIndex() == 0 ? 1.0 : decoder.readDouble();
    into.finish(label, weight);
    if (named) {
      readNames(length, into);
    }
  }

  private void readNames(int length, DecodedEvent into) throws IOException {
    int branch = decoder.readIndex();
    if (branch == 0) {
      return;
    }
    if (branch != 1) {
      throw new IOException("unknown featureNames branch");
    }
    List<String> names = new ArrayList<>();
    for (long block = decoder.readArrayStart(); block > 0; block = decoder.arrayNext()) {
      // at least a byte a name
      if (names.size() + block > length) {
        throw new IOException("array of more names than the record has bytes for");
      }
      for (long i = 0; i < block; i++) {
        names.add(decoder.readString());
      }
    }
    if (!names.equals(lastNames)) {
      lastNames = List.copyOf(names);
    }
    into.featureNames(lastNames);
  }

  private void readDense(int length, DecodedEvent into) throws IOException {
    int n = 0;
    double[] values = into.values();
    for (long block = decoder.readArrayStart(); block > 0; block = decoder.arrayNext()) {
      // 8 bytes a value: a count beyond the record's length is corrupt, not a reason to allocate
      if (n + block > length / Double.BYTES) {
        throw new IOException("array of more values than the record has bytes for");
      }
      values = into.denseValues((int) (n + block));
      for (long i = 0; i < block; i++) {
        values[n++] = decoder.readDouble();
      }
    }
    into.denseValues(n);
  }

  private void readSparse(int length, DecodedEvent into) throws IOException {
    int size = decoder.readInt();
    int n = 0;
    int[] indices = null;
    for (long block = decoder.readArrayStart(); block > 0; block = decoder.arrayNext()) {
      if (n + block > length) {
        throw new IOException("array of more indices than the record has bytes for");
      }
      into.sparsePairs(size, (int) (n + block));
      indices = into.indices();
      for (long i = 0; i < block; i++) {
        indices[n++] = decoder.readInt();
      }
    }
    int m = 0;
    for (long block = decoder.readArrayStart(); block > 0; block = decoder.arrayNext()) {
      if (m + block > length / Double.BYTES) {
        throw new IOException("array of more values than the record has bytes for");
      }
      into.sparsePairs(size, (int) Math.max(n, m + block));
      double[] values = into.values();
      for (long i = 0; i < block; i++) {
        values[m++] = decoder.readDouble();
      }
    }
    if (m != n) {
      throw new IllegalArgumentException("sparse features have " + n + " indices but " + m + " values");
    }
    into.sparsePairs(size, n);
  }
}
