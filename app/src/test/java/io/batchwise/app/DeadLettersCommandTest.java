package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.batchwise.learner.stream.LearnerConfig;
import io.batchwise.learner.stream.StreamingLearner;
import io.batchwise.schemas.DenseFeatures;
import io.batchwise.schemas.LabelledEvent;
import io.batchwise.schemas.Serdes;
import picocli.CommandLine;

/** {@code batchwise dead-letters} over dead letters the real learner and ingest wrote. */
class DeadLettersCommandTest {
  @RegisterExtension
  static final TestKafkaCluster kafka = new TestKafkaCluster();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;

  private static byte[] event(String model, double... x) {
    List<Double> values = java.util.Arrays.stream(x).boxed().toList();
    return Serdes.labelledEvent().serialize("", LabelledEvent.newBuilder().setModelId(model).setEventId("e")
        .setEventTime(Instant.now()).setFeatures(new DenseFeatures(values)).setLabel(1).build());
  }

  @BeforeAll
  static void deadLetterSomeInputs() throws Exception {
    String bootstrap = kafka.bootstrapServers();
    Map<String, Object> settings = PipelineRun.learnerSettings(bootstrap, dir, "fixed:1");
    LearnerConfig config = new LearnerConfig(settings);
    TopicSetup.ensureTopics(bootstrap, config, 1);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrap), new StringSerializer(), new ByteArraySerializer())) {
      String events = config.eventsTopic();
      producer.send(new ProducerRecord<>(events, "dl", event("dl", 1, 2)));                             // learned
      producer.send(new ProducerRecord<>(events, "dl", new byte[] {(byte) 0x9f, 0x00, 0x13, 0x37}));   // offset 1
      producer.send(new ProducerRecord<>(events, "dl", null));                                          // offset 2
      producer.send(new ProducerRecord<>(events, "dl", event("dl", 1, 2, 3)));                          // offset 3
      producer.send(new ProducerRecord<>(events, "dl", event("dl", 1, Double.NaN)));                    // offset 4
      producer.send(new ProducerRecord<>(events, "other", event("other")));                             // offset 5
      producer.send(new ProducerRecord<>(config.deadLetterTopic(), "dl", "not avro".getBytes(StandardCharsets.UTF_8)));
    }
    Path csv = dir.resolve("rows.csv");
    java.nio.file.Files.writeString(csv, "a,b,label\n1,2,1\n1,oops,0\n");
    assertEquals(0, new CommandLine(new IngestCommand()).setOut(new java.io.PrintWriter(java.io.Writer.nullWriter()))
        .execute("--bootstrap", bootstrap, "--data", csv.toString(), "--model", "dl"));
    try (StreamingLearner learner = StreamingLearner.start(settings)) {
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (list("--json").out.lines().count() < 7 && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
    }
  }

  private record Listing(int exit, String out, String err) {
  }

  private static Listing list(String... flags) {
    DeadLettersCommand command = new DeadLettersCommand();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    command.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    command.err = new PrintStream(err, true, StandardCharsets.UTF_8);
    String[] args = new String[flags.length + 2];
    args[0] = "--bootstrap";
    args[1] = kafka.bootstrapServers();
    System.arraycopy(flags, 0, args, 2, flags.length);
    int exit = new CommandLine(command).execute(args);
    return new Listing(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void everyDeadLetterShowsItsReasonSourceAndBytes() {
    Listing listing = list();
    assertEquals(0, listing.exit, listing.err);
    String out = listing.out;
    assertTrue(out.contains("model dl  from events-0@1 (learner): undecodable: "), out);
    assertTrue(out.contains("    value: hex 9f 00 13 37 (4 bytes)\n"), out);
    assertTrue(out.contains("model dl  from events-0@2 (learner): empty value (null)\n    key:   dl (2 bytes)\n"
        + "    value: (none)\n"), out);
    assertTrue(out.contains("model dl  from events-0@3 (learner): feature count 3 does not match the model's 2\n"), out);
    assertTrue(out.contains("model dl  from events-0@4 (learner): feature 1 is NaN\n    key:   dl (2 bytes)\n"
        + "    value: hex c3 01 "), out);
    assertTrue(out.contains("model other  from events-0@5 (learner): no features\n"), out);
    assertTrue(out.contains("model dl  from " + dir.resolve("rows.csv") + " line 3 (ingest): column 'b': 'oops' is not "
        + "a finite number\n    value: 1,oops,0 (8 bytes)\n"), out);
    assertTrue(out.contains("events-dlq-0@0  not a DeadLetter record (written by something other than batchwise?)\n"
        + "    value: not avro (8 bytes)\n"), out);
    assertEquals("dead-letters: 7 dead letters on events-dlq\n", listing.err);
  }

  @Test
  void aModelsOwnAndAsJson() throws Exception {
    Listing other = list("--model", "other");
    assertEquals(3, other.out.lines().count(), other.out);
    assertEquals("dead-letters: 1 dead letter of model other on events-dlq\n", other.err);
    List<JsonNode> letters = list("--model", "dl", "--json").out.lines().map(line -> {
      try {
        return JSON.readTree(line);
      } catch (java.io.IOException e) {
        throw new AssertionError(line, e);
      }
    }).toList();
    assertEquals(6, letters.size());
    JsonNode nan = letters.stream().filter(l -> l.path("reason").asText().equals("feature 1 is NaN")).findFirst()
        .orElseThrow();
    assertEquals("events", nan.get("sourceTopic").asText());
    assertEquals(4, nan.get("offset").asLong());
    assertEquals("learner", nan.get("detectedBy").asText());
    LabelledEvent original = Serdes.labelledEvent().deserialize("",
        java.util.Base64.getDecoder().decode(nan.get("originalValue").asText()));
    assertTrue(Double.isNaN(((DenseFeatures) original.getFeatures()).getValues().get(1)));
  }

  @Test
  void followShowsNewDeadLettersUntilStopped() throws Exception {
    DeadLettersCommand command = new DeadLettersCommand();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    command.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    command.err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    CompletableFuture<Integer> following = CompletableFuture.supplyAsync(() -> new CommandLine(command)
        .execute("--bootstrap", kafka.bootstrapServers(), "--follow", "--model", "late"));
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>("events-dlq", "late", "late and not avro".getBytes(StandardCharsets.UTF_8)));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!out.toString(StandardCharsets.UTF_8).contains("late and not avro") && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("late and not avro (17 bytes)"), out.toString());
    command.stop();
    assertEquals(0, following.get(30, TimeUnit.SECONDS));
  }
}
