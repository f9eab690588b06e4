package io.batchwise.ingest;

/** Sending to Kafka failed (unreachable broker, missing topic, authorization...): the message says what and where. */
public final class PublishFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PublishFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
