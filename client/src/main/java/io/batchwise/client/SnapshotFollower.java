package io.batchwise.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.batchwise.schemas.ModelSnapshot;
import io.batchwise.schemas.Serdes;

/**
 * Follows the compacted snapshots topic and keeps the latest snapshot of every model. Reads every
 * partition from the beginning without a consumer group, so any number of followers can run. A listener
 * is told of each snapshot newer than the one it replaces. A follower is caught up once it has read the
 * topic up to the end it had when following began: only then is {@link #latest} the latest model, and
 * not an older version still in the log (compaction keeps old versions for a while).
 */
public final class SnapshotFollower implements AutoCloseable {
  private final Map<String, Object> consumerSettings;
  private final String topic;
  private final Map<String, ModelSnapshot> latest = new ConcurrentHashMap<>();
  private final List<Consumer<ModelSnapshot>> listeners = new CopyOnWriteArrayList<>();
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private volatile KafkaConsumer<String, byte[]> consumer;
  private volatile Thread thread;
  private volatile Throwable failure;
  private volatile boolean running;

  /**
   * @param consumerSettings consumer settings, at least bootstrap.servers
   * @param topic            the snapshots topic
   */
  public SnapshotFollower(Map<String, Object> consumerSettings, String topic) {
    this.consumerSettings = new HashMap<>(consumerSettings);
    this.topic = topic;
  }

  /** Adds a listener, called on the follower's thread with each snapshot newer than the one it replaces. */
  public SnapshotFollower onSnapshot(Consumer<ModelSnapshot> listener) {
    listeners.add(listener);
    return this;
  }

  /** Reads the topic once up to its current end and returns the latest snapshot per model. */
  public Map<String, ModelSnapshot> readToEnd(Duration timeout) {
    try (KafkaConsumer<String, byte[]> c = newConsumer()) {
      List<TopicPartition> partitions = partitions(c, timeout);
      c.assign(partitions);
      c.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = c.endOffsets(partitions, timeout);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!caughtUp(c, end)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Timed out reading " + topic + " to its end");
        }
        for (ConsumerRecord<String, byte[]> record : c.poll(Duration.ofMillis(200))) {
          accept(record);
        }
      }
    }
    return Map.copyOf(latest);
  }

  /** Starts following in a background thread. */
  public SnapshotFollower start() {
    running = true;
    thread = new Thread(this::follow, "snapshot-follower-" + topic);
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  private void follow() {
    try (KafkaConsumer<String, byte[]> c = newConsumer()) {
      consumer = c;
      List<TopicPartition> partitions = partitions(c, Duration.ofSeconds(30));
      c.assign(partitions);
      c.seekToBeginning(partitions);
      // read_committed: the end is the last stable offset, so an open transaction does not hold us back
      Map<TopicPartition, Long> end = c.endOffsets(partitions, Duration.ofSeconds(30));
      while (running) {
        for (ConsumerRecord<String, byte[]> record : c.poll(Duration.ofMillis(100))) {
          accept(record);
        }
        if (caughtUp.getCount() > 0 && caughtUp(c, end)) {
          caughtUp.countDown();
        }
      }
    } catch (WakeupException e) {
      // close() woke us
    } catch (RuntimeException e) {
      failure = e;
    }
  }

  /**
   * Waits until the follower has read the topic up to the end it had when {@link #start()} ran.
   *
   * @return false when the timeout passed first
   * @throws IllegalStateException when following failed (e.g. the topic does not exist)
   */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!caughtUp.await(50, TimeUnit.MILLISECONDS)) {
      Throwable e = failure;
      if (e != null) {
        throw new IllegalStateException("cannot follow " + topic + ": " + e.getMessage(), e);
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
    }
    return true;
  }

  /** True once the follower has read the topic up to the end it had when {@link #start()} ran. */
  public boolean isCaughtUp() {
    return caughtUp.getCount() == 0;
  }

  private void accept(ConsumerRecord<String, byte[]> record) {
    if (record.value() == null) {
      latest.remove(record.key());
      return;
    }
    ModelSnapshot snapshot;
    try {
      snapshot = Serdes.modelSnapshot().deserialize(record.topic(), record.value());
    } catch (SerializationException e) {
      return; // not a snapshot we can read: skip it rather than stop following the others
    }
    ModelSnapshot previous = latest.get(snapshot.getModelId());
    if (previous == null || snapshot.getVersion() > previous.getVersion()) {
      latest.put(snapshot.getModelId(), snapshot);
      for (Consumer<ModelSnapshot> listener : listeners) {
        listener.accept(snapshot);
      }
    }
  }

  private boolean caughtUp(KafkaConsumer<String, byte[]> c, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (c.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> c, Duration timeout) {
    List<PartitionInfo> infos = c.partitionsFor(topic, timeout);
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException("Topic " + topic + " does not exist");
    }
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo info : infos) {
      partitions.add(new TopicPartition(topic, info.partition()));
    }
    return partitions;
  }

  private KafkaConsumer<String, byte[]> newConsumer() {
    Map<String, Object> settings = new HashMap<>(consumerSettings);
    settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    settings.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    settings.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024 * 1024);
    settings.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
    settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
    return new KafkaConsumer<>(settings, new StringDeserializer(),
        new org.apache.kafka.common.serialization.ByteArrayDeserializer());
  }

  /** The latest snapshot of a model read so far. */
  public Optional<ModelSnapshot> latest(String modelId) {
    return Optional.ofNullable(latest.get(modelId));
  }

  /** The latest snapshot of every model read so far, by model id. */
  public Map<String, ModelSnapshot> latest() {
    return Map.copyOf(latest);
  }

  /** The error that stopped the background thread, if any. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  @Override
  public void close() {
    running = false;
    KafkaConsumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    Thread t = thread;
    if (t != null) {
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
