package io.batchwise.ingest;

/** How a CSV reader turns a categorical (non-numeric) column into features. */
public enum CategoricalEncoding {
  /**
   * One indicator feature per distinct value, in order of first appearance in the file (the reader scans the
   * whole file once before publishing, so the vocabulary and the feature count are fixed). The block takes
   * the column's place in the feature vector. At most {@value io.batchwise.ingest.file.CsvProfile#MAX_CATEGORIES}
   * distinct values per column.
   */
  ONE_HOT,
  /**
   * Signed feature hashing (Weinberger et al. 2009, "Feature Hashing for Large Scale Multitask Learning"):
   * {@code column=value} goes to bucket {@code h(column=value) mod D} with sign {@code +-1} from a second hash;
   * the D buckets follow the numeric features, and the rows are sparse. Unbounded vocabularies, fixed width.
   */
  HASHED
}
