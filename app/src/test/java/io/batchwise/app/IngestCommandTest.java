package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.batchwise.ingest.CategoricalEncoding;
import io.batchwise.ingest.MissingValuePolicy;
import io.batchwise.schemas.DeadLetter;
import io.batchwise.schemas.LabelledEvent;
import io.batchwise.schemas.Serdes;
import picocli.CommandLine;

/** {@code batchwise ingest} as a user runs it: wrong usage, an unreachable broker, and a real broker. */
class IngestCommandTest {
  @RegisterExtension
  static final TestKafkaCluster kafka = new TestKafkaCluster();

  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(Map<String, String> environment, String... args) {
    IngestCommand command = new IngestCommand();
    command.environment = environment;
    return new CommandLine(command).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute(args);
  }

  private String errorLine() {
    String text = err.toString().strip();
    assertEquals(1, text.lines().count(), "one line: " + text);
    assertFalse(text.contains("Exception"), "no stack trace or exception names: " + text);
    return text;
  }

  @Test
  void withoutBootstrapServersItSaysSoAndExitsTwo() {
    assertEquals(2, run(Map.of(), "--synthetic", "separable"));
    assertTrue(errorLine().contains("pass --bootstrap or set KAFKA_BOOTSTRAP_SERVERS"), errorLine());
  }

  @Test
  void wrongInputsAreOneLineErrorsWithExitTwo() {
    Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1");
    assertEquals(2, run(env, "--data", dir.resolve("missing.csv").toString()));
    assertTrue(errorLine().contains("no such file"));
    err.getBuffer().setLength(0);
    assertEquals(2, run(env, "--synthetic", "spiral"));
    assertTrue(errorLine().contains("unknown synthetic stream 'spiral'"));
    err.getBuffer().setLength(0);
    assertEquals(2, run(env));
    assertTrue(errorLine().contains("give --data FILE or --synthetic SPEC"));
    err.getBuffer().setLength(0);
    assertEquals(2, run(env, "--synthetic", "separable", "--data", "x.csv"));
    assertTrue(errorLine().contains("not both"));
    err.getBuffer().setLength(0);
    assertEquals(2, run(env, "--synthetic", "separable", "--rate", "-3"));
    assertTrue(errorLine().contains("rate"));
    err.getBuffer().setLength(0);
    assertEquals(2, run(env, "--synthetic", "separable", "--spread", "--key", "a"));
    assertTrue(errorLine().contains("either --spread or --key, not both"), errorLine());
    err.getBuffer().setLength(0);
    assertEquals(2, run(env, "--synthetic", "separable", "--key", "a"));
    assertTrue(errorLine().contains("--key needs a CSV or JSON Lines file"), errorLine());
  }

  @Test
  void anUnreachableBrokerIsWaitedForThenFailsWithExitOne() {
    // the environment supplies the servers, the stream and the wait, as docker-compose does
    int code = run(Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1", "BATCHWISE_INGEST_SYNTHETIC", "separable:n=5",
        "BATCHWISE_BROKER_WAIT_MS", "2000"));
    assertEquals(1, code);
    List<String> lines = err.toString().strip().lines().toList();
    assertEquals(2, lines.size(), "one line while it waits, one when it gives up: " + err);
    assertEquals("ingest: waiting for Kafka at 127.0.0.1:1 (up to 2 s, broker.wait.ms)...", lines.get(0));
    assertEquals("ingest: cannot reach Kafka at 127.0.0.1:1 within 2 s (broker.wait.ms)", lines.get(1));
    assertTrue(out.toString().lines().noneMatch(line -> line.contains("events,")), "no progress claimed: " + out);
  }

  @Test
  void aConfigFileSuppliesProducerKeysAndIgnoresTheRest() throws Exception {
    Path config = dir.resolve("batchwise.properties");
    Files.writeString(config, "bootstrap.servers=127.0.0.1:1\nbroker.wait.ms=0\nbatch.policy=goodput\n");
    assertEquals(1, run(Map.of(), "--config", config.toString(), "--synthetic", "separable:n=3"));
    assertTrue(errorLine().contains("cannot reach Kafka at 127.0.0.1:1 within 0 s"), errorLine());
    err.getBuffer().setLength(0);
    assertEquals(2, run(Map.of(), "--config", dir.resolve("absent.properties").toString(), "--synthetic", "separable"));
    assertTrue(errorLine().contains("config file not found"), errorLine());
  }

  @Test
  void publishesValidRowsAndDeadLettersTheRestOnARealBroker() throws Exception {
    Path file = dir.resolve("mixed.csv");
    Files.writeString(file, "a,colour,label\n1,red,1\n2,blue,0\nNaN,red,1\n3,,0\n4,red\n5,blue,1\n");
    int code = run(Map.of(), "--bootstrap", kafka.bootstrapServers(), "--data", file.toString(), "--model", "mixed",
        "--events-topic", "cmd-events", "--dlq-topic", "cmd-dlq");
    assertEquals(0, code, err.toString());
    assertTrue(out.toString().contains("published 3 events, rejected 3 rows"), out.toString());
    assertTrue(out.toString().contains("ingest: line 4 rejected: column 'a': 'NaN' is not a finite number\n"
        + "ingest: line 5 rejected: column 'colour' is missing\n"
        + "ingest: line 6 rejected: expected 3 fields, found 2\n"), out.toString());
    assertTrue(out.toString().contains("ingest: every rejected row is on cmd-dlq with its reason and its bytes: "
        + "batchwise dead-letters --bootstrap " + kafka.bootstrapServers() + " --model mixed"), out.toString());

    List<ConsumerRecord<String, byte[]>> events = consume("cmd-events", 3);
    List<ConsumerRecord<String, byte[]>> dead = consume("cmd-dlq", 3);
    List<String> ids = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : events) {
      assertEquals("mixed", record.key());
      LabelledEvent event = Serdes.labelledEvent().deserialize(record.topic(), record.value());
      ids.add(event.getEventId());
    }
    assertEquals(List.of("mixed.csv:2", "mixed.csv:3", "mixed.csv:7"), ids);
    List<String> reasons = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : dead) {
      assertEquals("mixed", record.key());
      DeadLetter letter = Serdes.deadLetter().deserialize(record.topic(), record.value());
      assertEquals(file.toString(), letter.getSourceTopic());
      reasons.add(letter.getOffset() + " " + letter.getReason() + " | "
          + StandardCharsets.UTF_8.decode(letter.getOriginalValue()));
    }
    assertEquals(List.of("4 column 'a': 'NaN' is not a finite number | NaN,red,1",
        "5 column 'colour' is missing | 3,,0",
        "6 expected 3 fields, found 2 | 4,red"), reasons);
  }

  private static List<ConsumerRecord<String, byte[]>> consume(String topic, int count) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "ingest-test-" + topic);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    assertEquals(count, records.size(), "records on " + topic);
    return records;
  }

  @Test
  void loopAndChoiceFlagsParse() {
    assertEquals(0, IngestCommand.loops("forever"));
    assertEquals(0, IngestCommand.loops("true"));
    assertEquals(1, IngestCommand.loops("false"));
    assertEquals(3, IngestCommand.loops("3"));
    assertThrows(IllegalArgumentException.class, () -> IngestCommand.loops("-1"));
    assertEquals(CategoricalEncoding.ONE_HOT, IngestCommand.choice(CategoricalEncoding.class, "--x", "one-hot"));
    assertEquals(MissingValuePolicy.MEAN, IngestCommand.choice(MissingValuePolicy.class, "--x", "MEAN"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> IngestCommand.choice(MissingValuePolicy.class, "--missing", "drop"));
    assertEquals("--missing must be one of [reject, zero, mean], got 'drop'", e.getMessage());
  }
}
