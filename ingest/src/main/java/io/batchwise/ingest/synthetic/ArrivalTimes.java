package io.batchwise.ingest.synthetic;

/** When the events of a synthetic stream happen: offsets in seconds from the stream's start, non-decreasing. */
interface ArrivalTimes {
  /** The offset of the next event. */
  double next();

  /** True when the times form a pattern worth replaying in real time (bursts), not just an even spacing. */
  default boolean isPattern() {
    return false;
  }

  /** Evenly spaced at {@code rate} events per second (the first at offset 0). */
  static ArrivalTimes regular(double rate) {
    return new ArrivalTimes() {
      private long index;

      @Override
      public double next() {
        return index++ / rate;
      }
    };
  }
}
