package io.batchwise.app;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.batchwise.learner.stream.LearnerConfig;
import picocli.CommandLine.Option;

/** {@code --bootstrap} and {@code --config}, shared by every command that talks to a given Kafka. */
final class KafkaOptions {
  @Option(names = "--bootstrap", description = "Kafka bootstrap servers (or env KAFKA_BOOTSTRAP_SERVERS).")
  String bootstrap;

  @Option(names = "--config", description = "Properties file: learner keys (see README), Kafka and Kafka Streams keys.")
  Path configFile;

  /**
   * The settings from the config file, the environment and {@code flags} (null values ignored), in that
   * order of precedence; fails with a one-line message when no bootstrap servers are given anywhere.
   */
  Map<String, Object> settings(Map<String, Object> flags) {
    Map<String, Object> all = new LinkedHashMap<>(flags);
    all.put("bootstrap.servers", bootstrap);
    Map<String, Object> settings = Settings.layered(configFile, System.getenv(), LearnerConfig.DEFINITION, all);
    if (settings.get("bootstrap.servers") == null) {
      throw new IllegalArgumentException("no Kafka given: pass --bootstrap or set " + Settings.BOOTSTRAP_ENV);
    }
    return settings;
  }

  /** The bootstrap servers of {@code settings}, checked to answer. */
  static String reachableServers(Map<String, Object> settings) {
    String servers = settings.get("bootstrap.servers").toString();
    KafkaConnection.requireReachable(servers);
    return servers;
  }
}
