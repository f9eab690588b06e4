package io.batchwise.ingest;

import java.time.Clock;

import io.batchwise.ingest.synthetic.StreamCatalog;

/**
 * Synthetic labelled streams from a spec {@code kind[:key=value,...]}, deterministic for a seed.
 *
 * <p>Parameters every kind takes:
 * <ul>
 *   <li>{@code n}: events, then the stream ends; 0 = endless. Default 100000.</li>
 *   <li>{@code d}: features. Default 10.</li>
 *   <li>{@code noise}: probability that a label is flipped (binary) or replaced by another class. Default 0.05.</li>
 *   <li>{@code rate}: events per second of simulated time, which spaces the event times. Default 1000.</li>
 * </ul>
 * Kinds:
 * <ul>
 *   <li>{@code separable}: a fixed linear concept {@code 1[w.x > 0]} with {@code x, w ~ N(0, I)}; the Bayes error
 *       is exactly {@code noise}.</li>
 *   <li>{@code hyperplane}: rotating hyperplane, gradual drift (Hulten, Spencer and Domingos 2001; MOA's
 *       HyperplaneGenerator), {@code x ~ U[0,1]^d}, label {@code 1[w.x >= sum(w)/2]}. {@code drift}: change of a
 *       weight per example, default 0.001; {@code drift-features}: how many weights drift, default d;
 *       {@code reversal}: probability that a weight's drift direction reverses after an example, default 0.1.</li>
 *   <li>{@code abrupt}: like {@code separable}, but the concept is redrawn every {@code every} examples
 *       (default 5000): abrupt drift.</li>
 *   <li>{@code multiclass}: {@code k} Gaussian classes (default 3, at least 2), centres {@code sep * N(0, I)}
 *       ({@code sep} default 1.0), unit covariance; labels are class indices 0..k-1.</li>
 *   <li>{@code bursts}: the {@code separable} concept arriving as a Poisson process at {@code rate} events/s, with
 *       bursts at {@code burst-rate} (default 10 x rate) lasting {@code length} seconds (default 2) every
 *       {@code every} seconds (default 10). Its event times carry the arrival pattern, and the source says so
 *       ({@link EventSource#pacedByEventTime()}): a publisher given no rate replays the gaps in real time.</li>
 * </ul>
 * Features, labels and event-time offsets depend only on the spec and the seed; the offsets count from the
 * clock's instant when the stream is created. Each aspect (concept, features, label noise, arrivals) has its own
 * generator, so two specs that differ only in, say, {@code drift} or {@code noise} yield the same features.
 */
public final class SyntheticStreams {
  /** The kinds {@link #create} knows. */
  public static final String KINDS = StreamCatalog.KINDS;

  private SyntheticStreams() {
  }

  /** A stream whose event times start now (UTC system clock). */
  public static EventSource create(String spec, String modelId, long seed) {
    return create(spec, modelId, seed, Clock.systemUTC());
  }

  /**
   * @throws IllegalArgumentException for an unknown kind, an unknown parameter or a value out of range: the
   *                                  message names the known ones
   */
  public static EventSource create(String spec, String modelId, long seed, Clock clock) {
    return StreamCatalog.create(spec, modelId, seed, clock);
  }
}
