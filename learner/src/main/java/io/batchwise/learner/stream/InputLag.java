package io.batchwise.learner.stream;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * The end offsets of the learner's input partitions and the rate at which they grow, so the batching
 * policy sees the events really waiting (consumer lag) and the rate at which new ones arrive now. Record
 * timestamps cannot tell those apart from history: replaying a topic that was filled in one second looks,
 * by its timestamps, like a stream arriving at the fill rate for as long as the replay lasts, and the
 * policy then takes the learner for compute-bound and grows the batch to keep up with arrivals that
 * stopped long ago. Written by a poller of Kafka Streams' task metadata, read by the stream thread.
 */
public final class InputLag {
  /** Appends are counted over windows of at least this long: end offsets move in fetch-sized steps. */
  static final long RATE_WINDOW_MILLIS = 200;

  private record Partition(long endOffset, long windowStartMillis, long windowStartOffset, double appendRate) {
  }

  private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();

  /** Records the end offset (the offset the next appended record gets) of one partition at {@code nowMillis}. */
  public void update(TopicPartition partition, long endOffset, long nowMillis) {
    partitions.compute(partition, (key, old) -> {
      if (old == null) {
        return new Partition(endOffset, nowMillis, endOffset, Double.NaN);
      }
      long span = nowMillis - old.windowStartMillis();
      if (span < RATE_WINDOW_MILLIS) {
        return new Partition(Math.max(endOffset, old.endOffset()), old.windowStartMillis(), old.windowStartOffset(),
            old.appendRate());
      }
      double rate = Math.max(0, endOffset - old.windowStartOffset()) * 1000.0 / span;
      return new Partition(Math.max(endOffset, old.endOffset()), nowMillis, endOffset, rate);
    });
  }

  /**
   * Records that the newest record of the partition was appended at {@code newestRecordMillis}: if that
   * is a whole window ago and no rate is known yet, nothing is arriving now (a replay of a filled topic),
   * and the rate is 0 from the first reading instead of after the first window.
   */
  public void newestRecordAt(TopicPartition partition, long newestRecordMillis, long nowMillis) {
    partitions.computeIfPresent(partition, (key, old) -> Double.isNaN(old.appendRate())
        && nowMillis - newestRecordMillis >= RATE_WINDOW_MILLIS
        ? new Partition(old.endOffset(), old.windowStartMillis(), old.windowStartOffset(), 0.0) : old);
  }

  /** Whether the partition's append rate is known. */
  public boolean knowsRate(TopicPartition partition) {
    Partition p = partitions.get(partition);
    return p != null && !Double.isNaN(p.appendRate());
  }

  /** Records behind {@code offset} in the partition, or -1 while its end offset is unknown. */
  public long lagAfter(TopicPartition partition, long offset) {
    Partition p = partitions.get(partition);
    return p == null ? -1 : Math.max(0, p.endOffset() - offset - 1);
  }

  /** Records appended per second over the last completed window; NaN while unknown. */
  public double appendRate(TopicPartition partition) {
    Partition p = partitions.get(partition);
    return p == null ? Double.NaN : p.appendRate();
  }
}
