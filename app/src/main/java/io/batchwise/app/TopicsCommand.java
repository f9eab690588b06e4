package io.batchwise.app;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.admin.NewTopic;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "topics", mixinStandardHelpOptions = true,
    description = "Creates the events, snapshots (compacted), metrics and dead-letter topics where missing, each "
        + "with its own retention (see README, Topics), and exits.")
final class TopicsCommand implements Callable<Integer> {
  @Mixin
  KafkaOptions kafka;

  @Option(names = "--partitions", defaultValue = "${env:BATCHWISE_PARTITIONS:-2}",
      description = "Partitions per topic: the most learner threads that can share the events (env BATCHWISE_PARTITIONS; default: 2).")
  int partitions;

  @Override
  public Integer call() {
    Map<String, Object> settings = kafka.settings(Map.of());
    List<NewTopic> topics = new TopicsConfig(settings).all(partitions);
    KafkaConnection connection = kafka.connect(settings, true);
    AccessCheck.require(connection, CommandAccess.topics(topics));
    TopicSetup.ensureTopics(connection, topics);
    System.out.println("topics ready on " + connection.bootstrapServers() + ": "
        + String.join(", ", topics.stream().map(NewTopic::name).toList()));
    return 0;
  }
}
