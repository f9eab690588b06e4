package io.batchwise.app;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.batchwise.learner.stream.LearnerConfig;
import io.batchwise.schemas.DeadLetter;
import io.batchwise.schemas.Serdes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "dead-letters", mixinStandardHelpOptions = true,
    description = "Lists the dead-letter topic: for every input that could not be learned from, the reason, where it "
        + "came from (topic-partition@offset, or file and line for rows rejected by ingest), which step caught it, "
        + "and a look at its original bytes. Exits at the topic's end unless --follow.")
final class DeadLettersCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PREVIEW_CHARS = 96;

  @Mixin
  KafkaOptions kafka;

  @Option(names = "--model", paramLabel = "ID", description = "Only dead letters of this model id.")
  String modelId;

  @Option(names = "--follow", description = "Keep listing new dead letters until interrupted.")
  boolean follow;

  @Option(names = "--json", description = "One JSON object per dead letter, with the original bytes in base64.")
  boolean json;

  /** Where the listing goes; tests replace it. */
  PrintStream out = System.out;
  PrintStream err = System.err;
  private volatile KafkaConsumer<byte[], byte[]> consumer;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> settings = kafka.settings(Map.of());
    KafkaConnection connection = kafka.connect(settings, false);
    String topic = new LearnerConfig(settings).deadLetterTopic();
    AccessCheck.require(connection, CommandAccess.snapshotReader(topic));
    Map<String, Object> consumerSettings = new HashMap<>(connection.clientSettings());
    consumerSettings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // the learner writes dead letters in its transactions: aborted ones never happened
    consumerSettings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    long listed = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerSettings, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      this.consumer = consumer;
      List<TopicPartition> partitions = partitions(consumer, topic);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      CountDownLatch finished = new CountDownLatch(1);
      Thread onInterrupt = new Thread(() -> {
        stop();
        try {
          finished.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "dead-letters-shutdown");
      Runtime.getRuntime().addShutdownHook(onInterrupt);
      try {
        while (follow || !atEnd(consumer, end)) {
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            if (print(record)) {
              listed++;
            }
          }
          out.flush();
        }
      } catch (WakeupException e) {
        // interrupted while following
      } finally {
        finished.countDown();
        try {
          Runtime.getRuntime().removeShutdownHook(onInterrupt);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running and waits for the latch released above
        }
      }
    }
    err.println("dead-letters: " + listed + (listed == 1 ? " dead letter" : " dead letters")
        + (modelId == null ? "" : " of model " + modelId) + " on " + topic);
    return 0;
  }

  /** Ends a listing, --follow included, after the records at hand; from any thread. */
  void stop() {
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }

  private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException("topic " + topic + " does not exist (batchwise topics creates it)");
    }
    List<TopicPartition> partitions = new ArrayList<>();
    infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
    return partitions;
  }

  private static boolean atEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
    return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }

  /** Prints one record of the topic unless --model filters it out; true when printed. */
  private boolean print(ConsumerRecord<byte[], byte[]> record) throws Exception {
    String where = record.topic() + "-" + record.partition() + "@" + record.offset();
    String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    DeadLetter letter;
    try {
      letter = Serdes.deadLetter().deserialize(record.topic(), record.value());
    } catch (SerializationException e) {
      letter = null;
    }
    String model = letter == null || letter.getModelId() == null ? key : letter.getModelId();
    if (modelId != null && !modelId.equals(model)) {
      return false;
    }
    if (letter == null) {
      printUndecodable(where, record);
      return true;
    }
    if (json) {
      out.println(JSON.writeValueAsString(asJson(where, letter)));
      return true;
    }
    String source = letter.getPartition() < 0 ? letter.getSourceTopic() + " line " + letter.getOffset()
        : letter.getSourceTopic() + "-" + letter.getPartition() + "@" + letter.getOffset();
    out.println(where + "  " + letter.getTimestamp() + "  model " + (model == null ? "(none)" : model) + "  from "
        + source + " (" + letter.getDetectedBy() + "): " + letter.getReason());
    if (letter.getOriginalKey() != null) {
      out.println("    key:   " + BytesPreview.of(letter.getOriginalKey(), PREVIEW_CHARS));
    }
    out.println("    value: " + BytesPreview.of(letter.getOriginalValue(), PREVIEW_CHARS));
    return true;
  }

  private void printUndecodable(String where, ConsumerRecord<byte[], byte[]> record) throws Exception {
    String problem = "not a DeadLetter record (written by something other than batchwise?)";
    ByteBuffer value = record.value() == null ? null : ByteBuffer.wrap(record.value());
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("at", where);
      m.put("error", problem);
      m.put("value", value == null ? null : Base64.getEncoder().encodeToString(record.value()));
      out.println(JSON.writeValueAsString(m));
    } else {
      out.println(where + "  " + problem);
      out.println("    value: " + BytesPreview.of(value, PREVIEW_CHARS));
    }
  }

  private static Map<String, Object> asJson(String where, DeadLetter letter) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", where);
    m.put("timestamp", letter.getTimestamp().toString());
    m.put("modelId", letter.getModelId());
    m.put("sourceTopic", letter.getSourceTopic());
    m.put("partition", letter.getPartition());
    m.put("offset", letter.getOffset());
    m.put("detectedBy", letter.getDetectedBy());
    m.put("reason", letter.getReason());
    m.put("originalKey", base64(letter.getOriginalKey()));
    m.put("originalValue", base64(letter.getOriginalValue()));
    return m;
  }

  private static String base64(ByteBuffer bytes) {
    if (bytes == null) {
      return null;
    }
    ByteBuffer view = bytes.duplicate();
    byte[] copy = new byte[view.remaining()];
    view.get(copy);
    return Base64.getEncoder().encodeToString(copy);
  }
}
