package io.batchwise.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node KRaft cluster for integration tests (Kafka's own test kit), its data under target/.
 * Register it in a test class as {@code @RegisterExtension static final TestKafkaCluster KAFKA = new TestKafkaCluster();}
 * to have one cluster for the class.
 */
final class TestKafkaCluster implements BeforeAllCallback, AfterAllCallback {
  private KafkaClusterTestKit cluster;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    cluster = start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    cluster.close();
  }

  private static KafkaClusterTestKit start() throws Exception {
    Path base = Files.createDirectories(Paths.get("target", "kafka-test")).toAbsolutePath();
    KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
        .setCombined(true)
        .setNumBrokerNodes(1)
        .setNumControllerNodes(1)
        .setBaseDirectory(Files.createTempDirectory(base, "cluster-"))
        .build())
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("offsets.topic.num.partitions", "2")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .setConfigProp("transaction.state.log.min.isr", "1")
        .setConfigProp("transaction.state.log.num.partitions", "2")
        .setConfigProp("message.max.bytes", String.valueOf(64 * 1024 * 1024))
        .build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    return cluster;
  }

  String bootstrapServers() {
    return cluster.bootstrapServers();
  }

}
