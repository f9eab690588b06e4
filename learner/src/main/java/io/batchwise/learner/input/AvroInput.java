package io.batchwise.learner.input;

import io.batchwise.schemas.DecodedEvent;
import io.batchwise.schemas.EventDecoder;

/** {@code LabelledEvent} records, read by the hand-written {@link EventDecoder}; the key plays no part. */
final class AvroInput implements InputDecoder {
  private final EventDecoder decoder = new EventDecoder();

  @Override
  public DecodedEvent decode(String topic, byte[] key, byte[] value, DecodedEvent into) {
    return decoder.decode(topic, value, into);
  }
}
