package io.batchwise.learner.input;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.errors.SerializationException;

import io.batchwise.schemas.DecodedEvent;

/**
 * Turns one record of the events topic into a {@link DecodedEvent}, reused from record to record: Avro
 * {@code LabelledEvent}s ({@link InputFormat#AVRO}), or records users already have, JSON objects and CSV lines.
 * Whatever the format, the learner then validates the event and sends what it cannot learn to the dead letters
 * alike. Not thread-safe: one per stream thread.
 */
public interface InputDecoder {
  /**
   * Decodes one record into {@code into}.
   *
   * @throws SerializationException when the record is not an event of this format, saying why; an
   *                                {@link UndecodableInput} names the model where the decoder could tell it
   */
  DecodedEvent decode(String topic, byte[] key, byte[] value, DecodedEvent into);

  /** The model a record that could not be decoded belongs to: the one the decoder told, else the record's key. */
  static String modelOf(SerializationException e, byte[] key) {
    if (e instanceof UndecodableInput u && u.modelId() != null) {
      return u.modelId();
    }
    return key == null ? null : new String(key, StandardCharsets.UTF_8);
  }
}
