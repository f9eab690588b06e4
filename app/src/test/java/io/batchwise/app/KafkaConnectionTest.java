package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Waiting for a broker that is not there yet, and not waiting when waiting cannot help. */
class KafkaConnectionTest {
  @Test
  void aNameNotYetInDnsIsWaitedForLikeABrokerNotYetUp() {
    List<String> lines = new ArrayList<>();
    KafkaConnection kafka = KafkaConnection.to("no-such-broker.invalid:9092");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> kafka.awaitBroker(Duration.ofSeconds(2), lines::add));
    assertEquals("cannot reach Kafka at no-such-broker.invalid:9092 within 2 s (broker.wait.ms)", e.getMessage());
    assertEquals(List.of("waiting for Kafka at no-such-broker.invalid:9092 (up to 2 s, broker.wait.ms)..."), lines);
  }

  @Test
  void aMalformedAddressFailsAtOnce() {
    List<String> lines = new ArrayList<>();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> KafkaConnection.to("no-port").awaitBroker(Duration.ofMinutes(5), lines::add));
    assertTrue(e.getMessage().startsWith("cannot connect to Kafka at no-port: ") && e.getMessage().contains("no-port"),
        e.getMessage());
    assertEquals(List.of(), lines, "nothing to wait for");
  }
}
