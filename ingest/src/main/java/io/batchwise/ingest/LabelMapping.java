package io.batchwise.ingest;

/** How a reader turns the label it reads into the event's label. */
public enum LabelMapping {
  /**
   * Map {@code -1 -> 0, +1 -> 1} when the file's valid labels are exactly the two values -1 and +1 (the SVMlight
   * binary convention), else keep the labels as they are (0/1, class indices, regression targets). The default.
   */
  AUTO,
  /** Keep every label as read. */
  AS_IS,
  /** Binary by sign: a label {@code > 0} becomes 1, anything else 0. */
  SIGN
}
