package io.batchwise.app;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import io.batchwise.learner.stream.LearnerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "topics", mixinStandardHelpOptions = true,
    description = "Creates the events, snapshots (compacted), metrics and dead-letter topics where missing, and exits.")
final class TopicsCommand implements Callable<Integer> {
  @Option(names = "--bootstrap", description = "Kafka bootstrap servers (or env KAFKA_BOOTSTRAP_SERVERS).")
  String bootstrap;

  @Option(names = "--config", description = "Properties file with the topic names (events.topic, ...).")
  Path configFile;

  @Option(names = "--partitions", defaultValue = "${env:BATCHWISE_PARTITIONS:-2}",
      description = "Partitions per topic: the most learner threads that can share the events (env BATCHWISE_PARTITIONS; default: 2).")
  int partitions;

  @Override
  public Integer call() {
    Map<String, Object> flags = new LinkedHashMap<>();
    flags.put("bootstrap.servers", bootstrap);
    Map<String, Object> settings = Settings.layered(configFile, System.getenv(), LearnerConfig.DEFINITION, flags);
    Object servers = settings.get("bootstrap.servers");
    if (servers == null) {
      throw new IllegalArgumentException("no Kafka given: pass --bootstrap or set " + Settings.BOOTSTRAP_ENV);
    }
    KafkaConnection.requireReachable(servers.toString());
    LearnerConfig config = new LearnerConfig(settings);
    TopicSetup.ensureTopics(servers.toString(), config, partitions);
    System.out.println("topics ready on " + servers + ": " + config.eventsTopic() + ", " + config.snapshotsTopic() + ", "
        + config.metricsTopic() + ", " + config.deadLetterTopic());
    return 0;
  }
}
