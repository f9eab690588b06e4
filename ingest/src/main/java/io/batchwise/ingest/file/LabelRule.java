package io.batchwise.ingest.file;

import io.batchwise.ingest.LabelMapping;

/**
 * Turns the label text of a row into the event label, or says why it cannot. Built once per file, after the
 * scan has seen every label (that is what {@link LabelMapping#AUTO} decides on).
 */
final class LabelRule {
  private final String positiveLabel;
  private final LabelMapping mapping;

  private LabelRule(String positiveLabel, LabelMapping mapping) {
    this.positiveLabel = positiveLabel;
    this.mapping = mapping;
  }

  /** @param stats the labels of the whole file (only consulted for AUTO) */
  static LabelRule of(String positiveLabel, LabelMapping requested, LabelStats stats) {
    LabelMapping resolved = requested;
    if (requested == LabelMapping.AUTO) {
      resolved = stats.onlyMinusOneAndPlusOne() ? LabelMapping.SIGN : LabelMapping.AS_IS;
    }
    return new LabelRule(positiveLabel, resolved);
  }

  /** The label, or NaN when the text is missing or not a finite number (see {@link #problem}). */
  double apply(String trimmed) {
    if (positiveLabel != null) {
      return NumberText.isMissing(trimmed) ? Double.NaN : trimmed.equals(positiveLabel) ? 1.0 : 0.0;
    }
    double value = NumberText.parseFinite(trimmed);
    if (Double.isNaN(value)) {
      return value;
    }
    return mapping == LabelMapping.SIGN ? (value > 0 ? 1.0 : 0.0) : value;
  }

  /** Why {@link #apply} gave NaN for this text. */
  static String problem(String name, String trimmed) {
    return NumberText.isMissing(trimmed) ? "label '" + name + "' is missing"
        : "label '" + name + "': '" + trimmed + "' is not a finite number";
  }

  /** Whether the file's labels are exactly {-1, +1}: accumulated during the scan. */
  static final class LabelStats {
    private boolean minusOne;
    private boolean plusOne;
    private boolean other;

    void add(double label) {
      if (label == -1.0) {
        minusOne = true;
      } else if (label == 1.0) {
        plusOne = true;
      } else {
        other = true;
      }
    }

    boolean onlyMinusOneAndPlusOne() {
      return minusOne && plusOne && !other;
    }
  }
}
