package io.batchwise.bench;

/**
 * A straight line fitted by least squares to samples of a quantity over time, and what it says about growth:
 * per hour, and per hour relative to the quantity's level at the first sample.
 *
 * @param perHour the slope, in the quantity's unit per hour
 * @param start   the fitted value at the first sample
 */
record Growth(double perHour, double start, int samples) {
  /** Fits {@code values} against {@code seconds} (same length, at least two distinct times). */
  static Growth fit(double[] seconds, double[] values) {
    int n = seconds.length;
    if (n < 2 || values.length != n) {
      throw new IllegalArgumentException("a fit needs at least two samples, got " + n);
    }
    double meanT = 0;
    double meanY = 0;
    for (int i = 0; i < n; i++) {
      meanT += seconds[i] / n;
      meanY += values[i] / n;
    }
    double covariance = 0;
    double variance = 0;
    for (int i = 0; i < n; i++) {
      covariance += (seconds[i] - meanT) * (values[i] - meanY);
      variance += (seconds[i] - meanT) * (seconds[i] - meanT);
    }
    if (variance == 0) {
      throw new IllegalArgumentException("a fit needs samples at two different times at least");
    }
    double slope = covariance / variance;
    return new Growth(slope * 3600, meanY + slope * (seconds[0] - meanT), n);
  }

  /** Growth per hour as a percentage of the level at the first sample (NaN when that level is not positive). */
  double percentPerHour() {
    return start > 0 ? 100 * perHour / start : Double.NaN;
  }
}
