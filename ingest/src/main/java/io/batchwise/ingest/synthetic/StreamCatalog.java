package io.batchwise.ingest.synthetic;

import java.time.Clock;
import java.time.Instant;

import io.batchwise.ingest.EventSource;

/** Builds the synthetic streams {@link io.batchwise.ingest.SyntheticStreams} documents. */
public final class StreamCatalog {
  /** The kinds {@link #create} knows. */
  public static final String KINDS = "separable, hyperplane, abrupt, multiclass, bursts";

  private StreamCatalog() {
  }

  /** See {@link io.batchwise.ingest.SyntheticStreams#create(String, String, long, Clock)}. */
  public static EventSource create(String specText, String modelId, long seed, Clock clock) {
    StreamSpec spec = StreamSpec.parse(specText);
    long n = spec.integer("n", 100_000, 0, Long.MAX_VALUE);
    int d = (int) spec.integer("d", 10, 1, 1_000_000);
    double noise = spec.number("noise", 0.05, 0.0, 1.0);
    double rate = spec.number("rate", 1000.0, 1e-6, 1e9);
    Instant anchor = clock.instant();
    GeneratedStream stream;
    switch (spec.kind) {
      case "separable":
        stream = new SeparableStream(spec, modelId, seed, n, d, anchor, ArrivalTimes.regular(rate), noise, 0);
        break;
      case "abrupt":
        stream = new SeparableStream(spec, modelId, seed, n, d, anchor, ArrivalTimes.regular(rate), noise,
            spec.integer("every", 5000, 1, Long.MAX_VALUE));
        break;
      case "hyperplane":
        stream = new HyperplaneStream(spec, modelId, seed, n, d, anchor, ArrivalTimes.regular(rate), noise,
            spec.number("drift", 0.001, 0.0, 1e6), (int) spec.integer("drift-features", d, 0, d),
            spec.number("reversal", 0.1, 0.0, 1.0));
        break;
      case "multiclass":
        stream = new MulticlassStream(spec, modelId, seed, n, d, anchor, ArrivalTimes.regular(rate), noise,
            (int) spec.integer("k", 3, 2, 100_000), spec.number("sep", 1.0, 0.0, 1e6));
        break;
      case "bursts": {
        BurstArrivals arrivals = new BurstArrivals(rate, spec.number("burst-rate", 10 * rate, 1e-6, 1e9),
            spec.number("every", 10.0, 1e-6, 1e9), spec.number("length", 2.0, 1e-6, 1e9), GeneratedStream.random(seed, 3));
        stream = new SeparableStream(spec, modelId, seed, n, d, anchor, arrivals, noise, 0);
        break;
      }
      default:
        throw new IllegalArgumentException("unknown synthetic stream '" + spec.kind + "' (known: " + KINDS + ")");
    }
    spec.rejectUnknown();
    return stream;
  }
}
