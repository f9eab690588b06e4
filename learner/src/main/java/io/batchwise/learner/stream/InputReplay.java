package io.batchwise.learner.stream;

import org.apache.kafka.common.TopicPartition;

/**
 * Reads back the input records a task processed after its models' last checkpoints, so a restarted learner
 * learns them again (see {@link LearnerProcessor}): the events topic keeps them, and re-reading them costs
 * nothing while nothing fails, where keeping a second copy of every event in a changelogged store cost the
 * stream thread a store write and the broker the event's bytes again.
 */
interface InputReplay {
  /** One record read back. */
  interface Handler {
    void accept(long offset, long timestamp, String key, byte[] value);
  }

  /** Where Kafka Streams resumes the partition: the application's committed offset, or -1 when it has none. */
  long committedOffset(TopicPartition partition);

  /**
   * Calls {@code handler} for every record of the partition in [from, to), in order, as the stream's own
   * consumer reads them (committed transactions only).
   *
   * @throws IllegalStateException when they cannot be read, e.g. the topic's retention has deleted them
   */
  void read(TopicPartition partition, long from, long to, Handler handler);
}
