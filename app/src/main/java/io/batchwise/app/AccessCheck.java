package io.batchwise.app;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Checks before a command starts that its principal holds the ACLs it needs, so a missing one is a one-line error
 * naming the resource and the operation rather than a client or Kafka Streams failure that names neither. It
 * asks the brokers what this principal may do: the authorized operations of existing topics and groups, a
 * validate-only creation for topics created by prefix, a describe for transactional ids (which the needed WRITE
 * implies). What cannot be told, such as a group or a topic that does not exist yet, is left to the command.
 */
public final class AccessCheck {
  private static final String PROBE = "batchwise-access-check";
  private static final long TIMEOUT_SECONDS = 30;

  private AccessCheck() {
  }

  /** @throws IllegalStateException naming every missing ACL, on one line */
  public static void require(KafkaConnection kafka, List<AccessNeed> needs) {
    List<String> missing = new ArrayList<>();
    try (Admin admin = kafka.admin()) {
      for (AccessNeed need : needs) {
        Set<AclOperation> lacking = lacking(admin, need);
        if (!lacking.isEmpty()) {
          missing.add(need.describe(lacking));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking ACLs");
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException("not authorized: missing ACL " + String.join("; ", missing)
          + " (docs/OPERATIONS.md lists the ACLs of each command)");
    }
  }

  private static Set<AclOperation> lacking(Admin admin, AccessNeed need) throws InterruptedException {
    boolean prefixed = need.patternType() == PatternType.PREFIXED;
    if (need.resourceType() == ResourceType.TOPIC && !prefixed) {
      return lackingOnTopic(admin, need.name(), need.operations());
    }
    if (need.resourceType() == ResourceType.TOPIC) {
      return lackingOnPrefixedTopics(admin, need);
    }
    if (need.resourceType() == ResourceType.GROUP && !prefixed) {
      KafkaFuture<ConsumerGroupDescription> group = admin.describeConsumerGroups(List.of(need.name()),
          new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true)).describedGroups().get(need.name());
      return lacking(group, need.operations(), ConsumerGroupDescription::authorizedOperations);
    }
    if (need.resourceType() == ResourceType.TRANSACTIONAL_ID && prefixed) {
      return lacking(admin.describeTransactions(List.of(need.name() + PROBE)).all(), need.operations(),
          descriptions -> null);
    }
    throw new IllegalArgumentException("no check for " + need);
  }

  private static Set<AclOperation> lackingOnTopic(Admin admin, String topic, Set<AclOperation> operations)
      throws InterruptedException {
    KafkaFuture<TopicDescription> description = admin.describeTopics(List.of(topic),
        new DescribeTopicsOptions().includeAuthorizedOperations(true)).topicNameValues().get(topic);
    return lacking(description, operations, TopicDescription::authorizedOperations);
  }

  /**
   * CREATE by a validate-only creation of a topic with the prefix; the other operations on the topics with the
   * prefix that exist already (a learner's changelogs, after its first start).
   */
  private static Set<AclOperation> lackingOnPrefixedTopics(Admin admin, AccessNeed need) throws InterruptedException {
    Set<AclOperation> lacking = EnumSet.noneOf(AclOperation.class);
    if (need.operations().contains(AclOperation.CREATE)) {
      lacking.addAll(lacking(admin.createTopics(List.of(new NewTopic(need.name() + PROBE, Optional.empty(),
          Optional.empty())), new CreateTopicsOptions().validateOnly(true)).all(), Set.of(AclOperation.CREATE),
          nothing -> null));
    }
    Set<AclOperation> others = EnumSet.copyOf(need.operations());
    others.remove(AclOperation.CREATE);
    if (others.isEmpty()) {
      return lacking;
    }
    Collection<String> existing;
    try {
      existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
          .filter(name -> name.startsWith(need.name())).toList();
    } catch (ExecutionException | TimeoutException e) {
      return lacking;
    }
    for (String topic : existing) {
      lacking.addAll(lackingOnTopic(admin, topic, others));
    }
    return lacking;
  }

  /**
   * The operations of {@code needed} the answer shows missing: all of them when the broker refused to answer
   * for want of authorization, those not among the authorized operations when it answered with them, none when
   * the answer tells nothing (no such resource yet, no authorizer, an older broker).
   */
  private static <T> Set<AclOperation> lacking(KafkaFuture<T> answer, Set<AclOperation> needed,
      Function<T, Set<AclOperation>> authorized) throws InterruptedException {
    try {
      Set<AclOperation> allowed = authorized.apply(answer.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
      if (allowed == null) {
        return Set.of();
      }
      Set<AclOperation> lacking = EnumSet.copyOf(needed);
      lacking.removeAll(allowed);
      return lacking;
    } catch (ExecutionException e) {
      return e.getCause() instanceof AuthorizationException ? EnumSet.copyOf(needed) : Set.of();
    } catch (TimeoutException e) {
      return Set.of();
    }
  }
}
