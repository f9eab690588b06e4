package io.batchwise.learner.stream;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The learner's own topics besides Kafka Streams' changelogs: the deltas and merged-models topics between the
 * learners of a model ({@link ModelPartitioning}), with as many partitions as the events topic, created (or widened
 * with it) before the stream starts. Their records matter only until they are merged or rebased onto: a replica
 * sends its delta again until a merged version acknowledges it, so a short retention loses nothing.
 */
final class InternalTopics {
  /** How long the deltas and merged versions are kept: a merge needs them for seconds. */
  static final long RETENTION_MS = 600_000;
  /** Segments roll this often, so that retention can delete them. */
  static final long SEGMENT_MS = 60_000;
  private static final long WAIT_SECONDS = 30;

  private InternalTopics() {
  }

  /** Reads the events topic's partition count and makes both internal topics have as many. */
  static ModelPartitioning ensure(Admin admin, LearnerConfig config, String applicationId) {
    try {
      int partitions = partitionCount(admin, config.eventsTopic()).orElseThrow(() -> new IllegalStateException(
          "the events topic " + config.eventsTopic() + " does not exist (create it with `batchwise topics`)"));
      ModelPartitioning partitioning = ModelPartitioning.of(applicationId, partitions);
      for (String topic : List.of(partitioning.deltasTopic(), partitioning.mergedTopic())) {
        ensure(admin, topic, partitions, config);
      }
      return partitioning;
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot set up the learner's topics: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("cannot set up the learner's topics: the brokers did not answer within "
          + WAIT_SECONDS + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while setting up the learner's topics", e);
    }
  }

  private static void ensure(Admin admin, String topic, int partitions, LearnerConfig config)
      throws ExecutionException, InterruptedException, TimeoutException {
    Optional<Integer> existing = partitionCount(admin, topic);
    if (existing.isEmpty()) {
      NewTopic created = new NewTopic(topic, Optional.of(partitions), Optional.empty()).configs(Map.of(
          TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
          TopicConfig.RETENTION_MS_CONFIG, String.valueOf(RETENTION_MS),
          TopicConfig.SEGMENT_MS_CONFIG, String.valueOf(SEGMENT_MS),
          TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(config.snapshotMaxBytes())));
      try {
        admin.createTopics(List.of(created)).all().get(WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    } else if (existing.get() < partitions) {
      admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(partitions))).all()
          .get(WAIT_SECONDS, TimeUnit.SECONDS);
    } else if (existing.get() > partitions) {
      throw new IllegalStateException("topic " + topic + " has " + existing.get() + " partitions, more than the "
          + partitions + " of the events topic " + config.eventsTopic() + "; it must have as many");
    }
  }

  private static Optional<Integer> partitionCount(Admin admin, String topic)
      throws ExecutionException, InterruptedException, TimeoutException {
    try {
      TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
          .get(WAIT_SECONDS, TimeUnit.SECONDS).get(topic);
      return Optional.of(description.partitions().size());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return Optional.empty();
      }
      throw e;
    }
  }
}
