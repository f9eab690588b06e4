package io.batchwise.app;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --bootstrap} and {@code --config}, shared by every command that talks to a given Kafka. */
final class KafkaOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(names = "--bootstrap", description = "Kafka bootstrap servers (or env KAFKA_BOOTSTRAP_SERVERS).")
  String bootstrap;

  @Option(names = "--config", description = "Properties file: batchwise keys (see README), Kafka client keys "
      + "(security.protocol, sasl.*, ssl.*, ...) and Kafka Streams keys.")
  Path configFile;

  /**
   * The settings from the config file, the environment and {@code flags} (null values ignored), in that
   * order of precedence; fails with a one-line message when no bootstrap servers are given anywhere.
   */
  Map<String, Object> settings(Map<String, Object> flags) {
    Map<String, Object> all = new LinkedHashMap<>(flags);
    all.put("bootstrap.servers", bootstrap);
    Map<String, Object> settings = Settings.layered(configFile, System.getenv(), all);
    KafkaConnection.of(settings);  // no bootstrap servers: wrong usage, before anything starts
    return settings;
  }

  /**
   * The connection of {@code settings}, once its cluster answers: within {@code broker.wait.ms}, saying so while
   * it waits, for the long-running commands ({@code patient}); within {@link KafkaConnection#INTERACTIVE_WAIT}
   * for the others.
   */
  KafkaConnection connect(Map<String, Object> settings, boolean patient) {
    KafkaConnection kafka = KafkaConnection.of(settings);
    if (patient) {
      kafka.awaitBroker(KafkaConnection.brokerWait(settings),
          line -> System.err.println(command.qualifiedName() + ": " + line));
    } else {
      kafka.requireReachable();
    }
    return kafka;
  }
}
