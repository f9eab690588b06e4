package io.batchwise.ingest;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link EventPublisher#publish} replays a source. Build with {@link #builder()}.
 *
 * @param rate             events per second, paced on an absolute schedule; default 0 = as fast as possible
 *                         (or, for a source that is {@link io.batchwise.ingest.EventSource#pacedByEventTime()
 *                         paced by event time}, the gaps between its event times)
 * @param loops            passes over the source; default 1; 0 = forever (until {@link EventPublisher#stop()},
 *                         interruption, or the limit). More than one needs a re-openable source
 * @param limit            stop after this many published events (rejected rows do not count); default 0 = none
 * @param followEventTime  replay the event-time gaps of a source that asks for it when no rate is given;
 *                         default true
 * @param eventTimeSpeedup how much faster than event time to replay those gaps; default 1.0 (real time)
 * @param progressInterval how often the progress listener is called; default 250 ms
 * @param denseEncoding    how dense features are written; default {@link DenseEncoding#FLOAT64}, packed
 * @param spread           write the events to every partition in turn, without a key, so that all the events topic's
 *                         partitions share each model's events; default false = keyed (by model id, or by the
 *                         source's key column)
 */
public record PublishOptions(double rate, int loops, long limit, boolean followEventTime, double eventTimeSpeedup,
    Duration progressInterval, DenseEncoding denseEncoding, boolean spread) {

  public PublishOptions {
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("rate must be 0 (as fast as possible) or a positive events/s, got " + rate);
    }
    if (loops < 0) {
      throw new IllegalArgumentException("loops must be 0 (forever) or positive, got " + loops);
    }
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be 0 (none) or positive, got " + limit);
    }
    if (!(eventTimeSpeedup > 0) || Double.isInfinite(eventTimeSpeedup)) {
      throw new IllegalArgumentException("event-time speedup must be positive, got " + eventTimeSpeedup);
    }
    Objects.requireNonNull(progressInterval, "progressInterval");
    Objects.requireNonNull(denseEncoding, "denseEncoding");
    if (progressInterval.isNegative() || progressInterval.isZero()) {
      throw new IllegalArgumentException("progress interval must be positive, got " + progressInterval);
    }
  }

  /** One pass, as fast as possible, no limit. */
  public static PublishOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder for {@link PublishOptions}; starts with every default. */
  public static final class Builder {
    private double rate;
    private int loops = 1;
    private long limit;
    private boolean followEventTime = true;
    private double eventTimeSpeedup = 1.0;
    private Duration progressInterval = Duration.ofMillis(250);
    private DenseEncoding denseEncoding = DenseEncoding.FLOAT64;
    private boolean spread;

    private Builder() {
    }

    public Builder rate(double value) {
      this.rate = value;
      return this;
    }

    public Builder loops(int value) {
      this.loops = value;
      return this;
    }

    public Builder limit(long value) {
      this.limit = value;
      return this;
    }

    public Builder followEventTime(boolean value) {
      this.followEventTime = value;
      return this;
    }

    public Builder eventTimeSpeedup(double value) {
      this.eventTimeSpeedup = value;
      return this;
    }

    public Builder progressInterval(Duration value) {
      this.progressInterval = value;
      return this;
    }

    public Builder denseEncoding(DenseEncoding value) {
      this.denseEncoding = value;
      return this;
    }

    public Builder spread(boolean value) {
      this.spread = value;
      return this;
    }

    public PublishOptions build() {
      return new PublishOptions(rate, loops, limit, followEventTime, eventTimeSpeedup, progressInterval, denseEncoding,
          spread);
    }
  }
}
