package io.batchwise.app;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;

import io.batchwise.app.monitoring.LearnerHttpConfig;
import io.batchwise.learner.stream.LearnerConfig;

/**
 * Settings of a component, layered as Kafka users expect: a properties file, then environment variables,
 * then command-line flags, each overriding the one before. A key {@code batch.policy} is read from the
 * variable {@code BATCHWISE_BATCH_POLICY}; {@code bootstrap.servers} also from {@code KAFKA_BOOTSTRAP_SERVERS}.
 */
public final class Settings {
  public static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS";

  /** Kafka Streams keys also read from the environment (BATCHWISE_APPLICATION_ID, BATCHWISE_STATE_DIR, ...). */
  public static final Set<String> ENVIRONMENT_STREAMS_KEYS = Set.of(
      StreamsConfig.APPLICATION_ID_CONFIG, StreamsConfig.STATE_DIR_CONFIG, StreamsConfig.NUM_STREAM_THREADS_CONFIG,
      StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);

  /**
   * The Kafka client keys that say where the cluster is and how to connect to it: bootstrap servers, DNS
   * lookup, security protocol, and every client TLS and SASL key Kafka defines. Every client a command creates
   * (producers, consumers, admin clients, Kafka Streams) gets them, and each is also read from the
   * environment: {@code BATCHWISE_SECURITY_PROTOCOL}, {@code BATCHWISE_SASL_JAAS_CONFIG}, ...
   */
  public static final Set<String> CONNECTION_KEYS = connectionKeys();

  private static Set<String> connectionKeys() {
    Set<String> keys = new TreeSet<>(new ConfigDef().withClientSslSupport().withClientSaslSupport().names());
    keys.addAll(Set.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, CommonClientConfigs.CLIENT_DNS_LOOKUP_CONFIG,
        CommonClientConfigs.SECURITY_PROTOCOL_CONFIG));
    return Set.copyOf(keys);
  }

  /** Every key read from the environment: batchwise's own, some of Kafka Streams', and the connection keys. */
  public static Set<String> environmentKeys() {
    Set<String> keys = new TreeSet<>(LearnerConfig.DEFINITION.names());
    keys.addAll(TopicsConfig.DEFINITION.names());
    keys.addAll(KafkaConnection.DEFINITION.names());
    keys.addAll(io.batchwise.app.serve.ServeConfig.DEFINITION.names());
    keys.addAll(LearnerHttpConfig.DEFINITION.names());
    keys.addAll(ENVIRONMENT_STREAMS_KEYS);
    keys.addAll(CONNECTION_KEYS);
    return keys;
  }

  /** The connection keys of {@code settings}: what every Kafka client of a command is given. */
  public static Map<String, Object> connection(Map<String, ?> settings) {
    Map<String, Object> connection = new LinkedHashMap<>();
    settings.forEach((key, value) -> {
      if (CONNECTION_KEYS.contains(key) && value != null) {
        connection.put(key, value);
      }
    });
    return connection;
  }

  /**
   * {@code settings} without batchwise's own keys for topics, start-up and the learner's endpoints, which no Kafka
   * client knows.
   */
  public static Map<String, Object> withoutSetupKeys(Map<String, Object> settings) {
    Map<String, Object> rest = new LinkedHashMap<>(settings);
    rest.keySet().removeAll(TopicsConfig.DEFINITION.names());
    rest.keySet().removeAll(KafkaConnection.DEFINITION.names());
    rest.keySet().removeAll(LearnerHttpConfig.DEFINITION.names());
    return rest;
  }

  private Settings() {
  }

  /** The environment variable a key is read from. */
  public static String environmentName(String key) {
    return "BATCHWISE_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * Merges the layers. The keys of {@link #environmentKeys()} are read from the environment; the file may hold
   * any key, for example Kafka Streams settings.
   */
  public static Map<String, Object> layered(Path file, Map<String, String> environment, Map<String, Object> flags) {
    Map<String, Object> merged = new LinkedHashMap<>();
    if (file != null) {
      merged.putAll(readProperties(file));
    }
    for (String key : environmentKeys()) {
      String value = environment.get(environmentName(key));
      if (value != null) {
        merged.put(key, value);
      }
    }
    String bootstrap = environment.get(BOOTSTRAP_ENV);
    if (bootstrap != null && !bootstrap.isBlank()) {
      merged.put("bootstrap.servers", bootstrap);
    }
    flags.forEach((key, value) -> {
      if (value != null) {
        merged.put(key, value);
      }
    });
    return merged;
  }

  public static Map<String, Object> readProperties(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("config file not found: " + file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage());
    }
    Map<String, Object> map = new LinkedHashMap<>();
    properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name).strip()));
    return map;
  }
}
