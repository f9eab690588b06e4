package io.batchwise.app.serve;

/** A request the server cannot answer as asked: the HTTP status, the reason in words, and the instance at fault. */
final class RequestProblem extends Exception {
  private final int status;
  private final Integer instance;

  RequestProblem(int status, String message) {
    this(status, message, null);
  }

  RequestProblem(int status, String message, Integer instance) {
    super(message, null, false, false);
    this.status = status;
    this.instance = instance;
  }

  int status() {
    return status;
  }

  /** The 0-based index of the instance at fault in a batch, or null. */
  Integer instance() {
    return instance;
  }
}
