package io.batchwise.policy;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Numbers in spec strings ({@code sgd:0.1}, {@code goodput:b0=32,...}): the fewest significant digits that
 * parse back to the same double, so a spec reads as a person would write it and still names the exact value.
 * Java 17's {@link Double#toString} sometimes prints more digits than that and always a trailing {@code .0}.
 */
public final class SpecNumbers {
  private static final int MAX_DIGITS = 17;

  private SpecNumbers() {
  }

  /**
   * {@code 0.1}, {@code 32}, {@code 1e-08}, {@code inf}: plain notation from 1e-4 to 1e16, scientific
   * outside (as Python prints floats); {@code inf} and {@code nan} as the spec parsers read them.
   */
  public static String format(double value) {
    if (Double.isNaN(value)) {
      return "nan";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    if (value == 0) {
      return "0";
    }
    BigDecimal exact = new BigDecimal(value);
    BigDecimal shortest = exact;
    for (int digits = 1; digits <= MAX_DIGITS; digits++) {
      BigDecimal candidate = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
      if (candidate.doubleValue() == value) {
        shortest = candidate;
        break;
      }
    }
    shortest = shortest.stripTrailingZeros();
    double magnitude = Math.abs(value);
    if (magnitude >= 1e-4 && magnitude < 1e16) {
      return shortest.toPlainString();
    }
    int exponent = shortest.precision() - shortest.scale() - 1;
    String digits = shortest.unscaledValue().abs().toString();
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return (value < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
        + String.format(java.util.Locale.ROOT, "%02d", Math.abs(exponent));
  }

  /** {@code value} rounded to {@code digits} significant decimal digits, for defaults computed from a formula. */
  public static double round(double value, int digits) {
    if (value == 0 || !Double.isFinite(value)) {
      return value;
    }
    return new BigDecimal(value).round(new MathContext(digits, RoundingMode.HALF_EVEN)).doubleValue();
  }
}
