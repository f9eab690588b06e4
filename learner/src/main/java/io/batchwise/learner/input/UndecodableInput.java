package io.batchwise.learner.input;

import org.apache.kafka.common.errors.SerializationException;

/** A record that is not an event of the input format: why, and the model it belongs to where that could be told. */
public final class UndecodableInput extends SerializationException {
  private static final long serialVersionUID = 1L;

  private final String modelId;

  public UndecodableInput(String reason, String modelId) {
    super(reason);
    this.modelId = modelId;
  }

  /** The model the record names, or null. */
  public String modelId() {
    return modelId;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;  // bad input is expected, and only its reason is kept
  }
}
