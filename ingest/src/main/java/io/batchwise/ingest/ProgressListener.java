package io.batchwise.ingest;

/** Hears how a publish goes; called from the publishing thread. */
public interface ProgressListener {
  ProgressListener NONE = (published, rejected, seconds) -> { };

  void progress(long published, long rejected, double seconds);
}
