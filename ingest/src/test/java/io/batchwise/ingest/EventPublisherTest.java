package io.batchwise.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.batchwise.schemas.DeadLetter;
import io.batchwise.schemas.LabelledEvent;
import io.batchwise.schemas.Serdes;

class EventPublisherTest {
  private static final Instant WALL = Instant.parse("2026-03-04T05:06:07Z");
  private static final Clock WALL_CLOCK = Clock.fixed(WALL, ZoneOffset.UTC);

  @TempDir
  Path dir;

  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());

  private EventPublisher publisher(FakeNanoClock clock) {
    return new EventPublisher(producer, "events", "events-dlq", clock, WALL_CLOCK);
  }

  private List<ProducerRecord<String, byte[]>> on(String topic) {
    return producer.history().stream().filter(r -> r.topic().equals(topic)).toList();
  }

  @Test
  void spreadEventsGoToEveryPartitionInTurnWithoutAKey() throws IOException {
    Node node = new Node(0, "localhost", 9092);
    List<PartitionInfo> partitions = List.of(new PartitionInfo("events", 0, node, null, null),
        new PartitionInfo("events", 1, node, null, null), new PartitionInfo("events", 2, node, null, null));
    MockProducer<String, byte[]> threePartitions = new MockProducer<>(new Cluster("c", List.of(node), partitions,
        Set.of(), Set.of()), true, null, new StringSerializer(), new ByteArraySerializer());
    Path file = dir.resolve("d.csv");
    Files.writeString(file, "a,label\n1,1\n2,0\n3,1\n4,0\n5,1\n");
    try (EventPublisher publisher = new EventPublisher(threePartitions, "events", "events-dlq", new FakeNanoClock(0, 0),
        WALL_CLOCK)) {
      publisher.publish(EventSources.open(file, SourceOptions.builder().modelId("m1").build()),
          PublishOptions.builder().spread(true).build(), null);
    }
    List<ProducerRecord<String, byte[]>> events = threePartitions.history();
    assertEquals(List.of(0, 1, 2, 0, 1), events.stream().map(ProducerRecord::partition).toList());
    assertTrue(events.stream().allMatch(r -> r.key() == null));
    assertEquals("m1", Serdes.labelledEvent().deserialize("events", events.get(3).value()).getModelId(),
        "the model id travels in the value");
  }

  @Test
  void aKeyColumnKeysEachRecordAndIsNoFeature() throws IOException {
    Path file = dir.resolve("k.csv");
    Files.writeString(file, "a,customer,label\n1,c-7,1\n2,c-9,0\n3,,1\n");
    IngestReport report;
    try (EventPublisher publisher = publisher(new FakeNanoClock(0, 0))) {
      report = publisher.publish(EventSources.open(file, SourceOptions.builder().modelId("m1").keyColumn("customer")
          .build()), PublishOptions.defaults(), null);
    }
    assertEquals(2, report.published());
    List<ProducerRecord<String, byte[]>> events = on("events");
    assertEquals(List.of("c-7", "c-9"), events.stream().map(ProducerRecord::key).toList());
    LabelledEvent first = Serdes.labelledEvent().deserialize("events", events.get(0).value());
    assertEquals("m1", first.getModelId());
    assertEquals(1, featureCount(first));
    DeadLetter letter = Serdes.deadLetter().deserialize("events-dlq", on("events-dlq").get(0).value());
    assertEquals("key column 'customer' is missing", letter.getReason());

    Path json = dir.resolve("k.jsonl");
    Files.writeString(json, "{\"a\": 1, \"device\": \"d1\", \"label\": 1}\n{\"a\": 2, \"device\": 42, \"label\": 0}\n");
    try (EventSource source = EventSources.open(json, SourceOptions.builder().keyColumn("device").build())) {
      SourceRow.Valid row = (SourceRow.Valid) source.next();
      assertEquals("d1", row.key());
      assertEquals(1, featureCount(row.event()));
      assertEquals("42", ((SourceRow.Valid) source.next()).key());
    }
    IllegalArgumentException libsvm = assertThrows(IllegalArgumentException.class, () -> EventSources.open(
        Files.writeString(dir.resolve("k.svm"), "1 1:0.5\n"), SourceOptions.builder().keyColumn("x").build()));
    assertTrue(libsvm.getMessage().endsWith("--key needs CSV or JSON Lines"), libsvm.getMessage());
  }

  private static int featureCount(LabelledEvent event) {
    return new io.batchwise.schemas.DecodedEvent().set(event).count();
  }

  @Test
  void validRowsGoToTheEventsTopicAndRejectedRowsToTheDeadLetterTopic() throws IOException {
    Path file = dir.resolve("d.csv");
    Files.writeString(file, "a,label\n1,1\noops,0\n2,0\n3,\n");
    IngestReport report;
    try (EventPublisher publisher = publisher(new FakeNanoClock(0, 0))) {
      report = publisher.publish(EventSources.open(file, SourceOptions.builder().modelId("m1").build()),
          PublishOptions.defaults(), null);
    }
    assertEquals(2, report.published());
    assertEquals(2, report.rejected());
    assertFalse(report.stopped());
    assertTrue(producer.closed());

    List<ProducerRecord<String, byte[]>> events = on("events");
    assertEquals(2, events.size());
    LabelledEvent first = Serdes.labelledEvent().deserialize("events", events.get(0).value());
    assertEquals("m1", events.get(0).key());
    assertEquals("d.csv:2", first.getEventId());
    assertEquals(1.0, first.getLabel());

    List<ProducerRecord<String, byte[]>> dead = on("events-dlq");
    assertEquals(2, dead.size());
    assertEquals("m1", dead.get(0).key());
    DeadLetter letter = Serdes.deadLetter().deserialize("events-dlq", dead.get(0).value());
    assertEquals(file.toString(), letter.getSourceTopic());
    assertEquals(-1, letter.getPartition());
    assertEquals(3L, letter.getOffset());
    assertEquals("column 'a': 'oops' is not a finite number", letter.getReason());
    assertEquals("ingest", letter.getDetectedBy());
    assertEquals("m1", letter.getModelId());
    assertEquals(WALL, letter.getTimestamp());
    assertArrayEquals("oops,0".getBytes(StandardCharsets.UTF_8), bytes(letter.getOriginalValue()));
    DeadLetter second = Serdes.deadLetter().deserialize("events-dlq", dead.get(1).value());
    assertEquals(5L, second.getOffset());
    assertEquals("label 'label' is missing", second.getReason());
  }

  @Test
  void theFeatureNamesGoWithTheFirstEventAndNowAndThenAfter() throws IOException {
    Path file = dir.resolve("named.csv");
    StringBuilder rows = new StringBuilder("nswprice,label,vicprice\n");
    int n = 2 * EventPublisher.NAMES_EVERY + 5;
    for (int i = 0; i < n; i++) {
      rows.append(i).append(',').append(i % 2).append(",0.5\n");
    }
    Files.writeString(file, rows);
    try (EventPublisher publisher = publisher(new FakeNanoClock(0, 0))) {
      publisher.publish(EventSources.open(file, SourceOptions.builder().modelId("m").build()), PublishOptions.defaults(),
          null);
    }
    List<ProducerRecord<String, byte[]>> events = on("events");
    assertEquals(n, events.size());
    for (int i = 0; i < n; i++) {
      LabelledEvent event = Serdes.labelledEvent().deserialize("events", events.get(i).value());
      assertEquals(i % EventPublisher.NAMES_EVERY == 0 ? List.of("nswprice", "vicprice") : null,
          event.getFeatureNames(), "event " + i);
    }
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] b = new byte[buffer.remaining()];
    buffer.duplicate().get(b);
    return b;
  }

  @Test
  void aFixedRateKeepsAnAbsoluteScheduleSoOversleepingDoesNotAccumulate() {
    // every sleep overshoots by 3 ms: relative sleeps would take 5000 x 4 ms = 20 s
    FakeNanoClock clock = new FakeNanoClock(3_000_000L, 0);
    long start = clock.now;
    IngestReport report = publisher(clock).publish(SyntheticStreams.create("separable:n=5000", "m", 1),
        PublishOptions.builder().rate(1000).build(), null);
    assertEquals(5000, report.published());
    double seconds = (clock.now - start) / 1e9;
    // the last event is due at 4.999 s; at most one oversleep late
    assertEquals(4.999, seconds, 0.004);
    assertTrue(clock.sleeps < 5000, "no sleep per event when behind: " + clock.sleeps);
    assertTrue(clock.sleeps > 1000, "but it does sleep: " + clock.sleeps);
  }

  @Test
  void theScheduleStartsWhenTheFirstEventHasGoneOutSoAMetadataWaitCausesNoRush() {
    FakeNanoClock clock = new FakeNanoClock(0, 0);
    List<Long> sendTimes = new ArrayList<>();
    MockProducer<String, byte[]> slowFirst = new MockProducer<>(true, null, new StringSerializer(),
        new ByteArraySerializer()) {
      @Override
      public synchronized java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(
          ProducerRecord<String, byte[]> record, org.apache.kafka.clients.producer.Callback callback) {
        if (sendTimes.isEmpty()) {
          clock.now += 500_000_000L; // the first send waits half a second for metadata
        }
        sendTimes.add(clock.now);
        return super.send(record, callback);
      }
    };
    long start = clock.now;
    new EventPublisher(slowFirst, "events", "events-dlq", clock, WALL_CLOCK).publish(
        SyntheticStreams.create("separable:n=1000", "m", 1), PublishOptions.builder().rate(1000).build(), null);
    assertEquals(1.499, (clock.now - start) / 1e9, 0.002);
    // after the first, no two events closer than the 1 ms sleep threshold allows: no catch-up burst
    long anchor = sendTimes.get(0);
    for (int i = 1; i < sendTimes.size(); i++) {
      assertTrue(sendTimes.get(i) >= anchor + i * 1_000_000L - Pacer.MIN_SLEEP_NANOS, "event " + i);
    }
  }

  @Test
  void asFastAsPossibleNeverSleeps() {
    FakeNanoClock clock = new FakeNanoClock(0, 0);
    publisher(clock).publish(SyntheticStreams.create("hyperplane:n=2000", "m", 1), PublishOptions.defaults(), null);
    assertEquals(0, clock.sleeps);
    assertEquals(2000, on("events").size());
  }

  @Test
  void aBurstsStreamIsReplayedOnItsEventTimesUnlessARateIsGiven() {
    String spec = "bursts:rate=100,burst-rate=1000,every=10,length=2,n=3000";
    List<LabelledEvent> expected = Rows.valid(Rows.all(SyntheticStreams.create(spec, "m", 4)));
    long span = expected.get(expected.size() - 1).getEventTime().toEpochMilli()
        - expected.get(0).getEventTime().toEpochMilli();

    FakeNanoClock clock = new FakeNanoClock(0, 0);
    long start = clock.now;
    publisher(clock).publish(SyntheticStreams.create(spec, "m", 4),
        PublishOptions.builder().eventTimeSpeedup(10).build(), null);
    assertEquals(span / 10.0 / 1000, (clock.now - start) / 1e9, 0.002, "event-time span at 10x");

    FakeNanoClock fixed = new FakeNanoClock(0, 0);
    long fixedStart = fixed.now;
    publisher(fixed).publish(SyntheticStreams.create(spec, "m", 4), PublishOptions.builder().rate(3000).build(), null);
    assertEquals(2999 / 3000.0, (fixed.now - fixedStart) / 1e9, 0.002, "an explicit rate wins");

    FakeNanoClock ignoring = new FakeNanoClock(0, 0);
    publisher(ignoring).publish(SyntheticStreams.create(spec, "m", 4),
        PublishOptions.builder().followEventTime(false).build(), null);
    assertEquals(0, ignoring.sleeps);
  }

  @Test
  void limitAndLoops() {
    FakeNanoClock clock = new FakeNanoClock(0, 0);
    EventPublisher publisher = publisher(clock);
    IngestReport limited = publisher.publish(() -> SyntheticStreams.create("separable:n=100", "m", 1),
        PublishOptions.builder().loops(0).limit(250).build(), null);
    assertEquals(250, limited.published());
    assertEquals(3, limited.passes());
    List<String> ids = on("events").stream()
        .map(r -> Serdes.labelledEvent().deserialize("events", r.value()).getEventId()).toList();
    assertEquals("separable-1-1", ids.get(0));
    assertEquals("separable-1-1#2", ids.get(100));
    assertEquals("separable-1-50#3", ids.get(249));
    assertEquals(250, ids.stream().distinct().count());

    assertThrows(IllegalArgumentException.class, () -> publisher.publish(
        SyntheticStreams.create("separable:n=10", "m", 1), PublishOptions.builder().loops(2).build(), null));
  }

  @Test
  void loopingAnEmptySourceEndsInsteadOfSpinning() throws IOException {
    Path file = dir.resolve("empty.csv");
    Files.writeString(file, "a,label\n");
    IngestReport report = publisher(new FakeNanoClock(0, 0)).publish(
        () -> EventSources.open(file, SourceOptions.defaults()), PublishOptions.builder().loops(0).build(), null);
    assertEquals(0, report.published());
    assertEquals(1, report.passes());
  }

  @Test
  void progressIsReportedPeriodicallyAndStopEndsEarlyWithAFlush() {
    FakeNanoClock clock = new FakeNanoClock(0, 1_000_000L); // 1 ms per reading
    EventPublisher publisher = publisher(clock);
    List<IngestProgress> seen = new ArrayList<>();
    List<IngestReport> finished = new ArrayList<>();
    IngestReport report = publisher.publish(() -> SyntheticStreams.create("separable:n=0", "m", 1),
        PublishOptions.defaults(), new ProgressListener() {
          @Override
          public void onProgress(IngestProgress progress) {
            seen.add(progress);
            if (seen.size() == 3) {
              publisher.stop();
            }
          }

          @Override
          public void onFinish(IngestReport r) {
            finished.add(r);
          }
        });
    assertTrue(report.stopped());
    assertEquals(3, seen.size());
    assertTrue(seen.get(1).published() > seen.get(0).published());
    assertTrue(seen.get(0).recentPerSecond() > 0);
    assertEquals(List.of(report), finished);
    assertEquals(report.published(), on("events").size());
    assertTrue(producer.flushed());
  }

  @Test
  void aSynchronousSendFailureSurfacesAsPublishFailed() {
    producer.sendException = new TimeoutException("Topic events not present in metadata after 15000 ms.");
    PublishFailedException e = assertThrows(PublishFailedException.class, () -> publisher(new FakeNanoClock(0, 0))
        .publish(SyntheticStreams.create("separable:n=10", "m", 1), PublishOptions.defaults(), null));
    assertTrue(e.getMessage().contains("did not answer in time") && e.getMessage().contains("not present in metadata"),
        e.getMessage());
  }

  @Test
  void anAcknowledgementFailureStopsThePublish() {
    MockProducer<String, byte[]> manual = new MockProducer<>(false, null, new StringSerializer(),
        new ByteArraySerializer());
    EventPublisher publisher = new EventPublisher(manual, "events", "events-dlq", new FakeNanoClock(0, 1_000_000L),
        WALL_CLOCK);
    PublishFailedException e = assertThrows(PublishFailedException.class, () -> publisher.publish(
        SyntheticStreams.create("separable:n=100000", "m", 1), PublishOptions.defaults(),
        progress -> manual.errorNext(new IllegalStateException("broker said no"))));
    assertEquals("broker said no", e.getMessage());
    assertTrue(manual.history().size() < 100_000, "it stopped sending after the failure");
  }

  @Test
  void aFlushFailureSurfacesToo() {
    producer.flushException = new TimeoutException("Expiring 3 record(s)");
    assertThrows(PublishFailedException.class, () -> publisher(new FakeNanoClock(0, 0))
        .publish(SyntheticStreams.create("separable:n=3", "m", 1), PublishOptions.defaults(), null));
  }

  @Test
  void producerDefaultsAreIdempotentCompressedAndBoundedInTimeAndOverridable() {
    Map<String, Object> config = EventPublisher.producerConfig(Map.of("bootstrap.servers", "b:9092",
        "compression.type", "zstd"));
    assertEquals("true", config.get("enable.idempotence"));
    assertEquals("all", config.get("acks"));
    assertEquals("zstd", config.get("compression.type"));
    assertEquals("15000", config.get("max.block.ms"));
    assertEquals("30000", config.get("delivery.timeout.ms"));
    assertEquals("b:9092", config.get("bootstrap.servers"));
  }
}
