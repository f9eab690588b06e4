package io.batchwise.schemas;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka Serde for a generated Avro class, in Avro's standard single-object encoding
 * (marker C3 01, the 8-byte CRC-64-AVRO fingerprint of the writer schema, then the binary datum),
 * so any Avro library can decode the bytes without a schema registry.
 *
 * <p>Records written with an older version of the schema still read once that version is registered
 * with {@link #acceptWriterSchema(Schema)}: Avro resolves the old writer schema against the current one.
 * Bytes that cannot be decoded raise a {@link SerializationException} that says why, never anything else.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {
  static {
    TrustedPackages.install();
  }

  private final Class<T> type;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;

  public AvroSerde(Class<T> type) {
    this.type = type;
    SpecificData model = SpecificData.getForClass(type);
    Schema schema = model.getSchema(type);
    this.encoder = new BinaryMessageEncoder<>(model, schema);
    this.decoder = new BinaryMessageDecoder<>(model, schema);
    for (Schema older : SchemaHistory.olderVersionsOf(schema.getFullName())) {
      decoder.addSchema(older);
    }
  }

  /** Lets this Serde read records written with {@code writerSchema}, an earlier version of T's schema. */
  public AvroSerde<T> acceptWriterSchema(Schema writerSchema) {
    decoder.addSchema(writerSchema);
    return this;
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    try {
      ByteBuffer buffer = encoder.encode(data);
      return Arrays.copyOfRange(buffer.array(), buffer.arrayOffset() + buffer.position(),
          buffer.arrayOffset() + buffer.limit());
    } catch (IOException | AvroRuntimeException | ClassCastException | NullPointerException e) {
      throw new SerializationException("Cannot encode " + type.getSimpleName() + " for topic " + topic + ": " + e, e);
    }
  }

  @Override
  public T deserialize(String topic, byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      return decoder.decode(bytes);
    } catch (IOException | RuntimeException e) {
      // corrupt input surfaces from deep inside Avro as many exception types; callers need one
      throw new SerializationException("Cannot decode " + type.getSimpleName() + " from " + bytes.length
          + " bytes on topic " + topic + ": " + describe(e), e);
    }
  }

  private static String describe(Exception e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
  }

  @Override
  public void configure(java.util.Map<String, ?> configs, boolean isKey) {
  }

  @Override
  public void close() {
  }

  @Override
  public Serializer<T> serializer() {
    return this;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this;
  }
}
