package io.batchwise.ingest;

/**
 * What a reader does with a missing feature value: an empty field, {@code ?}, {@code NA}, {@code N/A},
 * {@code null} (any case) in CSV; a JSON {@code null} or an absent field in JSON Lines. A missing
 * <em>label</em> always rejects the row, whatever the policy. {@code NaN} and infinities are not "missing"
 * but invalid: they always reject the row.
 */
public enum MissingValuePolicy {
  /** Reject the row (it goes to the dead-letter topic with the column named). The default. */
  REJECT,
  /** Use 0 (for a one-hot column: no indicator set). */
  ZERO,
  /**
   * Use the column's mean over the file's valid values, from a scan before publishing; for a one-hot column
   * each indicator gets its category's frequency; for a hashed column no bucket is set (as ZERO).
   */
  MEAN
}
