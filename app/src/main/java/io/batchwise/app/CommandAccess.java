package io.batchwise.app;

import static org.apache.kafka.common.acl.AclOperation.CREATE;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.admin.NewTopic;

import io.batchwise.learner.stream.LearnerConfig;

/** The ACLs each command needs, as docs/OPERATIONS.md lists them (READ and WRITE imply DESCRIBE). */
final class CommandAccess {
  private CommandAccess() {
  }

  /** {@code topics}: to see which topics exist; CREATE on those missing is checked as they are created. */
  static List<AccessNeed> topics(List<NewTopic> topics) {
    return topics.stream().map(topic -> AccessNeed.topic(topic.name(), DESCRIBE)).toList();
  }

  /**
   * {@code learn}: read the events, write the three output topics, and, as a Kafka Streams application with
   * exactly-once, its consumer group, its internal changelog topics and its transactional ids, all named after
   * its application id.
   */
  static List<AccessNeed> learner(LearnerConfig config, String applicationId) {
    return List.of(
        AccessNeed.topic(config.eventsTopic(), READ),
        AccessNeed.topic(config.snapshotsTopic(), WRITE),
        AccessNeed.topic(config.metricsTopic(), WRITE),
        AccessNeed.topic(config.deadLetterTopic(), WRITE),
        AccessNeed.group(applicationId, READ),
        AccessNeed.topicsPrefixed(applicationId + "-", CREATE, READ, WRITE),
        AccessNeed.transactionalIdsPrefixed(applicationId + "-", WRITE));
  }

  /** {@code ingest}: write events and rejected rows. */
  static List<AccessNeed> ingest(String eventsTopic, String deadLetterTopic) {
    return List.of(AccessNeed.topic(eventsTopic, WRITE), AccessNeed.topic(deadLetterTopic, WRITE));
  }

  /** {@code serve}, {@code score}, {@code snapshots}: read the snapshots. */
  static List<AccessNeed> snapshotReader(String snapshotsTopic) {
    return List.of(AccessNeed.topic(snapshotsTopic, READ));
  }

  /** {@code demo --bootstrap}: the learner's, ingest's and a reader's of the snapshots and metrics, together. */
  static List<AccessNeed> demo(LearnerConfig config, String applicationId) {
    List<AccessNeed> needs = new ArrayList<>(learner(config, applicationId));
    needs.add(AccessNeed.topic(config.eventsTopic(), WRITE));
    needs.add(AccessNeed.topic(config.snapshotsTopic(), READ));
    needs.add(AccessNeed.topic(config.metricsTopic(), READ));
    return needs;
  }
}
