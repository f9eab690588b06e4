package io.batchwise.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * A user who only scores gets kafka-clients, Avro and the schemas: none of the learner's heavy jars (Kafka Streams
 * and RocksDB, ND4J and its natives). Reads the runtime classpath Maven resolved for this module.
 */
class ClientClasspathTest {
  private static final List<String> FORBIDDEN = List.of("kafka-streams", "rocksdbjni", "nd4j", "openblas", "javacpp");

  @Test
  void runtimeClasspathHasNoStreamsRocksDbOrNd4j() throws IOException {
    Path file = Path.of(System.getProperty("batchwise.client.runtimeClasspath"));
    List<String> jars = Arrays.stream(Files.readString(file).strip().split(File.pathSeparator))
        .map(entry -> Path.of(entry).getFileName().toString()).toList();
    assertTrue(jars.stream().anyMatch(jar -> jar.startsWith("kafka-clients-")), jars.toString());
    assertTrue(jars.stream().anyMatch(jar -> jar.startsWith("avro-")), jars.toString());
    assertEquals(List.of(), jars.stream().filter(jar -> FORBIDDEN.stream().anyMatch(jar::contains)).toList());
  }
}
