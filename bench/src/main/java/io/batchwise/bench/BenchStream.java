package io.batchwise.bench;

/** A finite labelled stream, read in order; rows may be stored or generated on demand. */
public interface BenchStream {
  int size();

  int featureCount();

  /** Writes the features of example {@code index} into {@code row} (length {@link #featureCount()}). */
  void features(int index, double[] row);

  double label(int index);
}
