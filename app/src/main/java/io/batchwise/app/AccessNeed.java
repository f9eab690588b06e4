package io.batchwise.app;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;

/** An ACL a command needs: operations on one Kafka resource, named literally or by prefix. */
public record AccessNeed(ResourceType resourceType, String name, PatternType patternType, Set<AclOperation> operations) {
  public AccessNeed {
    operations = Set.copyOf(operations);
  }

  public static AccessNeed topic(String name, AclOperation... operations) {
    return new AccessNeed(ResourceType.TOPIC, name, PatternType.LITERAL, EnumSet.copyOf(List.of(operations)));
  }

  public static AccessNeed topicsPrefixed(String prefix, AclOperation... operations) {
    return new AccessNeed(ResourceType.TOPIC, prefix, PatternType.PREFIXED, EnumSet.copyOf(List.of(operations)));
  }

  public static AccessNeed group(String id, AclOperation... operations) {
    return new AccessNeed(ResourceType.GROUP, id, PatternType.LITERAL, EnumSet.copyOf(List.of(operations)));
  }

  public static AccessNeed transactionalIdsPrefixed(String prefix, AclOperation... operations) {
    return new AccessNeed(ResourceType.TRANSACTIONAL_ID, prefix, PatternType.PREFIXED,
        EnumSet.copyOf(List.of(operations)));
  }

  /** For example "READ on topic events" or "WRITE on transactional ids prefixed batchwise-learner-". */
  public String describe(Collection<AclOperation> missing) {
    String resource = resourceType.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    String what = patternType == PatternType.PREFIXED ? resource + "s prefixed " + name : resource + " " + name;
    return missing.stream().sorted().map(AclOperation::name).collect(Collectors.joining(", ")) + " on " + what;
  }
}
