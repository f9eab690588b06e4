package io.batchwise.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;

/** Reads from the brokers what the soak watches on the Kafka side: the bytes each topic holds, and a group's lag. */
final class ClusterSampler implements AutoCloseable {
  private final Admin admin;

  ClusterSampler(String servers) {
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers));
  }

  /** Bytes on the brokers' disks per topic (every replica of every partition), for the topics named. */
  Map<String, Long> topicBytes(Set<String> topics) throws ExecutionException, InterruptedException {
    List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(Node::id).toList();
    Map<String, Long> bytes = new TreeMap<>();
    topics.forEach(topic -> bytes.put(topic, 0L));
    for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
      for (LogDirDescription dir : dirs.values()) {
        dir.replicaInfos().forEach((partition, replica) -> bytes.computeIfPresent(partition.topic(),
            (topic, sum) -> sum + replica.size()));
      }
    }
    return bytes;
  }

  /** Records of {@code topic} after the offsets {@code group} committed (all of them where it committed none). */
  long lag(String group, String topic) throws ExecutionException, InterruptedException {
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata().get();
    Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
    admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
        .forEach(p -> ends.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    long lag = 0;
    for (Map.Entry<TopicPartition, org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo> end
        : admin.listOffsets(ends).all().get().entrySet()) {
      OffsetAndMetadata at = committed.get(end.getKey());
      lag += Math.max(0, end.getValue().offset() - (at == null ? 0 : at.offset()));
    }
    return lag;
  }

  @Override
  public void close() {
    admin.close();
  }
}
