package io.batchwise.ingest.synthetic;

import java.time.Instant;
import java.util.OptionalInt;
import java.util.Random;

import io.batchwise.ingest.EventSource;
import io.batchwise.ingest.Features;
import io.batchwise.ingest.SourceRow;
import io.batchwise.schemas.LabelledEvent;

/**
 * The part every synthetic stream shares: counting to {@code n}, event ids, event times from
 * {@link ArrivalTimes} after an anchor instant, dense features. A subclass draws one example at a time.
 */
abstract class GeneratedStream implements EventSource {
  private final StreamSpec spec;
  private final String modelId;
  private final long seed;
  private final long n;
  private final int dimension;
  private final Instant anchor;
  private final ArrivalTimes arrivals;
  private long index;

  GeneratedStream(StreamSpec spec, String modelId, long seed, long n, int dimension, Instant anchor,
      ArrivalTimes arrivals) {
    this.spec = spec;
    this.modelId = modelId;
    this.seed = seed;
    this.n = n;
    this.dimension = dimension;
    this.anchor = anchor;
    this.arrivals = arrivals;
  }

  /** Fills {@code x} (length d) with the next example's features and returns its label. */
  abstract double draw(double[] x);

  /** An independent generator for one aspect of the stream (concept, features, noise...), fixed by the seed. */
  static Random random(long seed, int stream) {
    // SplitMix64 finalizer: decorrelates the per-aspect seeds so drift=0 and drift>0 streams share x and noise
    long z = seed + 0x9E3779B97F4A7C15L * (stream + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return new Random(z ^ (z >>> 31));
  }

  @Override
  public final SourceRow next() {
    if (n > 0 && index >= n) {
      return null;
    }
    index++;
    double[] x = new double[dimension];
    double label = draw(x);
    long nanos = Math.round(arrivals.next() * 1e9);
    LabelledEvent event = new LabelledEvent(modelId, spec.kind + "-" + seed + "-" + index,
        anchor.plusNanos(nanos), Features.dense(x), label, null, null);
    return new SourceRow.Valid(event, index);
  }

  @Override
  public String description() {
    return "synthetic " + spec.text + " (seed " + seed + ", " + dimension + " features, "
        + (n > 0 ? n + " events" : "endless") + ", model '" + modelId + "')";
  }

  @Override
  public String origin() {
    return "synthetic:" + spec.text;
  }

  @Override
  public String modelId() {
    return modelId;
  }

  @Override
  public OptionalInt featureCount() {
    return OptionalInt.of(dimension);
  }

  @Override
  public boolean pacedByEventTime() {
    return arrivals.isPattern();
  }

  @Override
  public void close() {
  }
}
