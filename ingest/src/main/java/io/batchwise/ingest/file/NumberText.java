package io.batchwise.ingest.file;

/** Strict reading of numbers and missing-value markers in text fields. */
final class NumberText {
  private NumberText() {
  }

  /** True for the markers files use for "no value": empty, {@code ?}, {@code NA}, {@code N/A}, {@code null}. */
  static boolean isMissing(String trimmed) {
    return trimmed.isEmpty() || trimmed.equals("?") || trimmed.equalsIgnoreCase("NA")
        || trimmed.equalsIgnoreCase("N/A") || trimmed.equalsIgnoreCase("null");
  }

  /**
   * The finite decimal number {@code trimmed} spells, or NaN when it is not one. Java's own grammar is too
   * lenient for data files ({@code "1d"}, {@code "0x1p3"}, {@code "NaN"}, {@code "Infinity"} all parse), so the
   * text must start with a digit, sign or point and end with a digit or point.
   */
  static double parseFinite(String trimmed) {
    int n = trimmed.length();
    if (n == 0) {
      return Double.NaN;
    }
    char first = trimmed.charAt(0);
    char last = trimmed.charAt(n - 1);
    boolean plausible = (Character.isDigit(first) || first == '-' || first == '+' || first == '.')
        && (Character.isDigit(last) || last == '.');
    if (!plausible) {
      return Double.NaN;
    }
    try {
      double value = Double.parseDouble(trimmed);
      return Double.isFinite(value) ? value : Double.NaN;
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
