package io.batchwise.bench;

import java.util.Locale;

/** When the events of a stream arrive, on a virtual clock in seconds; the learner starts at time 0. */
public enum ArrivalPattern {
  /** Evenly spaced at the rate. */
  STEADY,
  /** The same mean rate in bursts: each 100 ms period's events all arrive within its first 10 ms. */
  BURSTY,
  /**
   * The first quarter of the stream arrived at the rate before the learner started (a restart, a new
   * consumer group: consumer lag); the rest arrives steadily.
   */
  BACKLOG,
  /** Every event arrived before the learner started: a topic replayed from its start. */
  REPLAY;

  static final double BURST_PERIOD_SECONDS = 0.1;
  static final double BURST_ON_FRACTION = 0.1;

  /** Arrival times of {@code n} events at mean {@code rate} per second. */
  public double[] arrivalTimes(int n, double rate) {
    double[] times = new double[n];
    int lag = this == BACKLOG ? n / 4 : 0;
    int perPeriod = (int) Math.max(1, Math.round(rate * BURST_PERIOD_SECONDS));
    for (int i = 0; i < n; i++) {
      times[i] = switch (this) {
        case STEADY -> i / rate;
        case BACKLOG -> (i - lag) / rate;
        case REPLAY -> 0;
        case BURSTY -> (i / perPeriod) * BURST_PERIOD_SECONDS
            + (i % perPeriod) * (BURST_PERIOD_SECONDS * BURST_ON_FRACTION / perPeriod);
      };
    }
    return times;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
