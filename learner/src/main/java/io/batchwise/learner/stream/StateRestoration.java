package io.batchwise.learner.stream;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * The state stores being restored from their changelogs right now, as Kafka Streams reports them: a learner
 * that has some is not ready, its models are not yet what they were.
 */
final class StateRestoration implements StateRestoreListener {
  private record StorePartition(TopicPartition changelog, String store) {
  }

  private final Set<StorePartition> restoring = ConcurrentHashMap.newKeySet();

  @Override
  public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
    restoring.add(new StorePartition(partition, store));
  }

  @Override
  public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long restored) {
    // progress within one store partition: nothing to track
  }

  @Override
  public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
    restoring.remove(new StorePartition(partition, store));
  }

  /** A task moved away or closed while restoring. */
  @Override
  public void onRestoreSuspended(TopicPartition partition, String store, long totalRestored) {
    restoring.remove(new StorePartition(partition, store));
  }

  /** Store partitions whose restoration has started and not ended. */
  int inProgress() {
    return restoring.size();
  }
}
