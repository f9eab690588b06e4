package io.batchwise.app;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;

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

  private Settings() {
  }

  /** The environment variable a key is read from. */
  public static String environmentName(String key) {
    return "BATCHWISE_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * Merges the layers. Keys of {@code definition}, {@link #ENVIRONMENT_STREAMS_KEYS} and bootstrap.servers are
   * read from the environment;
   * the file may hold any key, for example Kafka Streams settings.
   */
  public static Map<String, Object> layered(Path file, Map<String, String> environment, ConfigDef definition,
      Map<String, Object> flags) {
    Map<String, Object> merged = new LinkedHashMap<>();
    if (file != null) {
      merged.putAll(readProperties(file));
    }
    Set<String> keys = new java.util.TreeSet<>(definition.names());
    keys.addAll(ENVIRONMENT_STREAMS_KEYS);
    for (String key : keys) {
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
