package io.batchwise.app;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.ProducerConfig;

import io.batchwise.ingest.EventPublisher;
import io.batchwise.ingest.EventSource;
import io.batchwise.ingest.EventSources;
import io.batchwise.ingest.IngestReport;
import io.batchwise.ingest.PublishOptions;
import io.batchwise.ingest.SourceOptions;
import io.batchwise.ingest.SyntheticStreams;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = "Publishes a file's rows, or a synthetic stream, as LabelledEvents; rows that fail validation "
        + "go to the dead-letter topic with the reason and their line number.")
final class IngestCommand implements Callable<Integer> {
  @Option(names = "--bootstrap", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS}", description = "Kafka bootstrap servers (env KAFKA_BOOTSTRAP_SERVERS).")
  String bootstrap;

  static final class Input {
    @Option(names = "--data", description = "CSV file with a header.")
    Path data;

    @Option(names = "--synthetic", defaultValue = "${env:BATCHWISE_INGEST_SYNTHETIC}",
        description = "Synthetic stream spec, e.g. hyperplane:d=10,n=0 (n=0: endless) (env BATCHWISE_INGEST_SYNTHETIC).")
    String synthetic;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  @Option(names = "--label", defaultValue = "label", description = "Label column of --data (default: ${DEFAULT-VALUE}).")
  String label;

  @Option(names = "--model", defaultValue = "${env:BATCHWISE_INGEST_MODEL:-default}", description = "Model id of every event (env BATCHWISE_INGEST_MODEL; default: default).")
  String modelId;

  @Option(names = "--rate", defaultValue = "${env:BATCHWISE_INGEST_RATE:-0}", description = "Events per second; 0 is as fast as possible (env BATCHWISE_INGEST_RATE; default: 0).")
  double rate;

  @Option(names = "--loop", defaultValue = "${env:BATCHWISE_INGEST_LOOP:-false}", description = "Replay the source forever (env BATCHWISE_INGEST_LOOP).")
  boolean loop;

  @Option(names = "--limit", defaultValue = "0", description = "Stop after this many events; 0: no limit.")
  long limit;

  @Option(names = "--events-topic", defaultValue = "${env:BATCHWISE_EVENTS_TOPIC:-events}", description = "Events topic (default: events).")
  String eventsTopic;

  @Option(names = "--dlq-topic", defaultValue = "${env:BATCHWISE_DEAD_LETTER_TOPIC:-events-dlq}", description = "Dead-letter topic (default: events-dlq).")
  String deadLetterTopic;

  @Override
  public Integer call() {
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalArgumentException("no Kafka given: pass --bootstrap or set " + Settings.BOOTSTRAP_ENV);
    }
    Supplier<EventSource> sources = input.data != null
        ? () -> EventSources.open(input.data, SourceOptions.builder().labelColumn(label).modelId(modelId).build())
        : () -> SyntheticStreams.create(input.synthetic, modelId, 42);
    sources.get().close();  // a wrong file or spec fails here, before any connection
    KafkaConnection.requireReachable(bootstrap);
    ProgressLine progress = new ProgressLine(System.err);
    IngestReport report;
    try (EventPublisher publisher = new EventPublisher(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
        eventsTopic, deadLetterTopic)) {
      report = publisher.publish(sources, new PublishOptions(rate, loop ? 0 : 1, limit),
          (published, rejected, seconds) -> progress.show(String.format("%d events, %d rejected, %.0f events/s",
              published, rejected, published / Math.max(seconds, 1e-9))));
    }
    progress.finish();
    System.out.printf("published %d events, rejected %d rows, %.1f s, %.0f events/s%n", report.published(),
        report.rejected(), report.seconds(), report.eventsPerSecond());
    return 0;
  }
}
