package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  @TempDir
  Path dir;

  @Test
  void clientSecurityKeysComeFromTheFileThenTheEnvironmentThenFlags() throws Exception {
    Path file = dir.resolve("client.properties");
    Files.writeString(file, "bootstrap.servers=file:9093\nsecurity.protocol=SSL\nssl.truststore.location=/file.p12\n"
        + "sasl.mechanism=PLAIN\nmetrics.retention.ms=1000\nnum.stream.threads=2\n");
    Map<String, String> environment = Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", "env:9093",
        "BATCHWISE_SECURITY_PROTOCOL", "SASL_SSL",
        "BATCHWISE_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
        "BATCHWISE_BROKER_WAIT_MS", "5000",
        "BATCHWISE_SSL_KEYSTORE_PASSWORD_NOT_A_KEY", "ignored");
    Map<String, Object> flags = new HashMap<>();
    flags.put("sasl.mechanism", "SCRAM-SHA-512");
    flags.put("bootstrap.servers", null);
    Map<String, Object> settings = Settings.layered(file, environment, flags);

    assertEquals(Map.of(
        "bootstrap.servers", "env:9093",
        "security.protocol", "SASL_SSL",
        "ssl.truststore.location", "/file.p12",
        "sasl.mechanism", "SCRAM-SHA-512",
        "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;"),
        KafkaConnection.of(settings).clientSettings(), "every client gets the connection keys, and only them");
    assertEquals(5000, KafkaConnection.brokerWait(settings).toMillis());
    assertFalse(settings.containsKey("ssl.keystore.password.not.a.key"));

    Map<String, Object> forStreams = Settings.withoutSetupKeys(settings);
    assertFalse(forStreams.containsKey("metrics.retention.ms") || forStreams.containsKey("broker.wait.ms"),
        "Kafka Streams is not given batchwise's topic and start-up keys");
    assertTrue(forStreams.containsKey("num.stream.threads") && forStreams.containsKey("sasl.jaas.config"));
  }

  @Test
  void everyClientSecurityKeyHasItsVariable() {
    for (String key : new String[] {"security.protocol", "sasl.mechanism", "sasl.jaas.config",
        "sasl.login.callback.handler.class", "ssl.truststore.location", "ssl.truststore.password", "ssl.truststore.type",
        "ssl.keystore.location", "ssl.keystore.password", "ssl.key.password", "ssl.endpoint.identification.algorithm"}) {
      assertTrue(Settings.environmentKeys().contains(key), key);
    }
    assertEquals("BATCHWISE_SASL_JAAS_CONFIG", Settings.environmentName("sasl.jaas.config"));
  }
}
