package io.batchwise.ingest;

import java.util.List;
import java.util.OptionalInt;

/**
 * A finite or endless sequence of rows to publish: valid {@link io.batchwise.schemas.LabelledEvent}s and
 * rejected inputs, in source order.
 *
 * <p>Pull style: call {@link #next()} until it returns {@code null} (the end). One source is read by one
 * thread. Reading failures (a file that disappears, a corrupt gzip stream) surface as
 * {@link java.io.UncheckedIOException}; invalid content never does, it becomes a {@link SourceRow.Rejected}.
 */
public interface EventSource extends AutoCloseable {

  /** The next row, or {@code null} once the source is exhausted (and on every call after that). */
  SourceRow next();

  /** A human-readable one-liner: format, origin, label, feature count. */
  String description();

  /** Where the rows come from: the file path, or the synthetic stream spec. Dead letters name it as their source. */
  String origin();

  /** The model id every event of this source is keyed by. */
  String modelId();

  /**
   * The features' names in vector order, where the source has them (a CSV header, JSON keys); empty where it
   * has none. The publisher sends them with the events, so the model and its snapshots carry them.
   */
  default List<String> featureNames() {
    return List.of();
  }

  /** The feature count of every valid row, when known before reading (it always is for files and synthetic streams). */
  default OptionalInt featureCount() {
    return OptionalInt.empty();
  }

  /**
   * True when the events' times encode the intended arrival pattern (e.g. bursts), so a publisher given no
   * explicit rate should replay the gaps between event times instead of publishing as fast as possible.
   */
  default boolean pacedByEventTime() {
    return false;
  }

  @Override
  void close();
}
