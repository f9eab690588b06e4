package io.batchwise.ingest;

/** Watches a publish: called from the publishing thread, so it must be quick. */
public interface ProgressListener {
  /** Listens to nothing. */
  ProgressListener NONE = progress -> {
  };

  /** Called about every {@link PublishOptions#progressInterval()}. */
  void onProgress(IngestProgress progress);

  /** Called for each row that failed validation, once it is on its way to the dead-letter topic. */
  default void onRejected(SourceRow.Rejected row) {
  }

  /** Called once when the publish completed (all records acknowledged); not called when it failed. */
  default void onFinish(IngestReport report) {
  }
}
