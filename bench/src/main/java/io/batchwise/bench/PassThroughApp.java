package io.batchwise.bench;

import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import io.batchwise.schemas.AvroSerde;
import io.batchwise.schemas.LabelledEvent;

/**
 * The least a Kafka Streams application does with the events: read each, decode it with Avro's generated
 * reader, forward it to an output topic, exactly-once. The stream benchmark's baseline, run in a JVM of its own:
 * {@code PassThroughApp SERVERS INPUT OUTPUT APPLICATION_ID STATE_DIR}, until stopped.
 */
public final class PassThroughApp {
  private PassThroughApp() {
  }

  public static void main(String[] args) throws InterruptedException {
    String input = args[1];
    Properties props = new Properties();
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, args[3]);
    props.put(StreamsConfig.STATE_DIR_CONFIG, args[4]);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    Topology topology = new Topology();
    topology.addSource("in", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), input);
    topology.addProcessor("decode", () -> new Processor<String, byte[], String, byte[]>() {
      private final AvroSerde<LabelledEvent> serde = io.batchwise.schemas.Serdes.labelledEvent();
      private ProcessorContext<String, byte[]> context;

      @Override
      public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
      }

      @Override
      public void process(Record<String, byte[]> record) {
        if (serde.deserialize(input, record.value()) != null) {
          context.forward(record);
        }
      }
    }, "in");
    topology.addSink("out", args[2], Serdes.String().serializer(), Serdes.ByteArray().serializer(), "decode");
    CountDownLatch stopped = new CountDownLatch(1);
    KafkaStreams streams = new KafkaStreams(topology, props);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      streams.close();
      stopped.countDown();
    }));
    streams.start();
    stopped.await();
  }
}
