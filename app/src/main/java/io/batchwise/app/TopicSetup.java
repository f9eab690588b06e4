package io.batchwise.app;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import io.batchwise.learner.stream.LearnerConfig;

/** Creates batchwise's topics when they are missing; leaves existing ones as they are. */
public final class TopicSetup {
  private TopicSetup() {
  }

  /** The four topics of {@code config}'s names, with the default {@link TopicsConfig}, on a plaintext broker. */
  public static void ensureTopics(String bootstrapServers, LearnerConfig config, int partitions) {
    ensureTopics(KafkaConnection.to(bootstrapServers), new TopicsConfig(config.originals()).all(partitions));
  }

  /**
   * Creates those of {@code topics} that do not exist. A topic this principal may not describe is left alone:
   * whether it exists cannot be told, and {@link AccessCheck} names the missing ACL.
   */
  public static void ensureTopics(KafkaConnection kafka, List<NewTopic> topics) {
    try (Admin admin = kafka.admin()) {
      List<NewTopic> missing = missing(admin, topics);
      if (missing.isEmpty()) {
        return;
      }
      try {
        admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof TopicAuthorizationException) {
          throw new IllegalStateException("not authorized: missing ACL CREATE on topic "
              + String.join(", ", missing.stream().map(NewTopic::name).toList())
              + " (or create the topics with `batchwise topics` as a principal that may)");
        }
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
      awaitLeaders(admin, missing);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create topics on " + kafka.bootstrapServers() + ": "
          + KafkaConnection.describe(e.getCause() == null ? e : e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics");
    }
  }

  private static List<NewTopic> missing(Admin admin, List<NewTopic> topics)
      throws ExecutionException, InterruptedException, TimeoutException {
    Map<String, KafkaFuture<?>> described = new HashMap<>(admin.describeTopics(
        topics.stream().map(NewTopic::name).toList()).topicNameValues());
    List<NewTopic> missing = new ArrayList<>();
    for (NewTopic topic : topics) {
      try {
        described.get(topic.name()).get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof UnknownTopicOrPartitionException) {
          missing.add(topic);
        } else if (!(e.getCause() instanceof TopicAuthorizationException)) {
          throw e;
        }
      }
    }
    return missing;
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
