package io.batchwise.app;

import java.util.Map;
import java.util.concurrent.Callable;

import io.batchwise.learner.stream.LearnerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "topics", mixinStandardHelpOptions = true,
    description = "Creates the events, snapshots (compacted), metrics and dead-letter topics where missing, and exits.")
final class TopicsCommand implements Callable<Integer> {
  @Mixin
  KafkaOptions kafka;

  @Option(names = "--partitions", defaultValue = "${env:BATCHWISE_PARTITIONS:-2}",
      description = "Partitions per topic: the most learner threads that can share the events (env BATCHWISE_PARTITIONS; default: 2).")
  int partitions;

  @Override
  public Integer call() {
    Map<String, Object> settings = kafka.settings(Map.of());
    String servers = KafkaOptions.reachableServers(settings);
    LearnerConfig config = new LearnerConfig(settings);
    TopicSetup.ensureTopics(servers, config, partitions);
    System.out.println("topics ready on " + servers + ": " + config.eventsTopic() + ", " + config.snapshotsTopic() + ", "
        + config.metricsTopic() + ", " + config.deadLetterTopic());
    return 0;
  }
}
