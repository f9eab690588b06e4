package io.batchwise.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
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
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot create topics on " + bootstrapServers + ": "
          + (e.getCause() == null ? e : e.getCause()).getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics");
    }
  }
}
