package io.batchwise.app;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

import io.batchwise.learner.stream.LearnerConfig;

/** Creates batchwise's topics when they are missing; leaves existing ones as they are. */
public final class TopicSetup {
  private TopicSetup() {
  }

  /**
   * @param partitions partitions of the events topic: the most learner instances and threads that can share it
   */
  public static void ensureTopics(String bootstrapServers, LearnerConfig config, int partitions) {
    List<NewTopic> topics = new ArrayList<>();
    topics.add(new NewTopic(config.eventsTopic(), partitions, (short) 1));
    topics.add(new NewTopic(config.snapshotsTopic(), partitions, (short) 1).configs(Map.of(
        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(config.snapshotMaxBytes()),
        TopicConfig.COMPRESSION_TYPE_CONFIG, "producer")));
    topics.add(new NewTopic(config.metricsTopic(), partitions, (short) 1));
    topics.add(new NewTopic(config.deadLetterTopic(), partitions, (short) 1));
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name())).toList();
      if (missing.isEmpty()) {
        return;
      }
      try {
        admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
      awaitLeaders(admin, missing);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create topics on " + bootstrapServers + ": "
          + (e.getCause() == null ? e : e.getCause()).getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics");
    }
  }

  /**
   * Returns once every partition of the new topics answers a ListOffsets request, which only a partition's
   * leader answers (Admin retries NOT_LEADER_OR_FOLLOWER until then). An idempotent producer that writes to
   * a partition the broker has not yet applied can lose records: its first request fails as not leader, a
   * later one is appended, and the first then fails as out of order until it expires (KAFKA-15591; the
   * Kafka 4.4.0 broker we embed still does it: RebalanceTest lost its first events so on a loaded machine).
   */
  private static void awaitLeaders(Admin admin, List<NewTopic> topics)
      throws ExecutionException, InterruptedException, TimeoutException {
    Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
    for (NewTopic topic : topics) {
      for (int p = 0; p < topic.numPartitions(); p++) {
        partitions.put(new TopicPartition(topic.name(), p), OffsetSpec.latest());
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        admin.listOffsets(partitions).all().get(30, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) {
        // a topic not yet in the metadata the admin client fetched fails at once, as unknown
        if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(20);
      }
    }
  }
}
