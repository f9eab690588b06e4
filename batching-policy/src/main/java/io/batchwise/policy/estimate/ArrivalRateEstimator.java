package io.batchwise.policy.estimate;

/**
 * Events per second, as an exponentially decaying count: c(t) = sum_k n_k exp(-(t - t_k)/tau), reported
 * as c(t) / (tau (1 - exp(-(t - t_0)/tau))). The denominator is the decayed length of the window seen so
 * far, so the estimate is unbiased from the first seconds on, not only after several tau. That length is
 * at least {@code minimumWindow}: a rate from the first milliseconds of a burst is the burst's rate, not
 * the stream's (1,000 events in the first 10 ms of a 100 ms period would read as 100,000 events/s, and a
 * learner that keeps up would look hopelessly behind), so, as the learner's own estimate counts at least
 * 100 ms of record time, arrivals are spread over at least that long.
 */
public final class ArrivalRateEstimator {
  private final double tau;
  private final double minimumWindow;
  private double count;
  private double lastSeconds = Double.NaN;
  private double firstSeconds = Double.NaN;

  /** @param timeConstantSeconds tau: arrivals older than a few tau no longer count */
  public ArrivalRateEstimator(double timeConstantSeconds) {
    this(timeConstantSeconds, 0);
  }

  /**
   * @param timeConstantSeconds   tau: arrivals older than a few tau no longer count
   * @param minimumWindowSeconds  the shortest span a rate is taken over, at most tau
   */
  public ArrivalRateEstimator(double timeConstantSeconds, double minimumWindowSeconds) {
    if (!(timeConstantSeconds > 0) || Double.isInfinite(timeConstantSeconds)) {
      throw new IllegalArgumentException("time constant must be positive, got " + timeConstantSeconds);
    }
    if (!(minimumWindowSeconds >= 0 && minimumWindowSeconds <= timeConstantSeconds)) {
      throw new IllegalArgumentException("minimum window must be in [0, tau], got " + minimumWindowSeconds);
    }
    this.tau = timeConstantSeconds;
    this.minimumWindow = minimumWindowSeconds;
  }

  /**
   * Records {@code events} arrivals at {@code atSeconds} (any monotone clock). A time before the last one
   * counts as the last one.
   */
  public void record(long events, double atSeconds) {
    if (events < 0 || !Double.isFinite(atSeconds)) {
      return;
    }
    if (Double.isNaN(firstSeconds)) {
      firstSeconds = atSeconds;
      lastSeconds = atSeconds;
    }
    double now = Math.max(atSeconds, lastSeconds);
    count = count * Math.exp(-(now - lastSeconds) / tau) + events;
    lastSeconds = now;
  }

  /** The rate at {@code atSeconds}; 0 before anything was recorded or before any time has passed. */
  public double rate(double atSeconds) {
    if (Double.isNaN(firstSeconds)) {
      return 0;
    }
    double now = Math.max(atSeconds, lastSeconds);
    double window = Math.max(minimumWindow, tau * (1 - Math.exp(-(now - firstSeconds) / tau)));
    if (!(window > 0)) {
      return 0;
    }
    return count * Math.exp(-(now - lastSeconds) / tau) / window;
  }
}
