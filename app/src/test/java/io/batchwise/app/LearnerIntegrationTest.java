package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.batchwise.ingest.EventPublisher;
import io.batchwise.ingest.EventSources;
import io.batchwise.ingest.IngestReport;
import io.batchwise.ingest.PublishOptions;
import io.batchwise.ingest.SourceOptions;
import io.batchwise.app.report.MetricsRecorder;
import io.batchwise.learner.stream.LearnerConfig;
import io.batchwise.schemas.TrainingMetrics;

/** The learner end to end against a real in-process KRaft broker (Kafka's KafkaClusterTestKit). */
class LearnerIntegrationTest {
  @RegisterExtension
  static final TestKafkaCluster kafka = new TestKafkaCluster();

  @TempDir
  Path stateDir;

  @Test
  void learnsEverySyntheticEvent() throws Exception {
    assertEquals(3000, PipelineRun.learnSyntheticEvents(kafka.bootstrapServers(), stateDir, 3000, Duration.ofMinutes(2)));
  }

  /** The elec stream (45,312 rows) through the real ingest path and the learner. */
  @Test
  void learnsEveryRowOfElec() throws Exception {
    Path elec = SharedData.file("elec.csv").orElse(null);
    Assumptions.assumeTrue(elec != null, "shared/data/elec.csv is not here");
    Map<String, Object> settings = PipelineRun.learnerSettings(kafka.bootstrapServers(), stateDir, "goodput");
    settings.put(LearnerConfig.EVENTS_TOPIC, "elec-events");
    settings.put(LearnerConfig.SNAPSHOTS_TOPIC, "elec-snapshots");
    LearnerConfig config = new LearnerConfig(settings);
    TopicSetup.ensureTopics(kafka.bootstrapServers(), config, 1);
    IngestReport report;
    try (EventPublisher publisher = new EventPublisher(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers()), config.eventsTopic(), config.deadLetterTopic())) {
      report = publisher.publish(() -> EventSources.open(elec, SourceOptions.builder().labelColumn("target")
          .modelId("elec").build()), PublishOptions.defaults(), null);
    }
    assertEquals(45312, report.published());
    assertEquals(0, report.rejected());
    assertEquals(45312, PipelineRun.awaitExamples(settings, config, kafka.bootstrapServers(), "elec", 45312,
        Duration.ofMinutes(3)));
    List<TrainingMetrics> summaries;
    try (MetricsRecorder recorder = new MetricsRecorder(Map.of("bootstrap.servers", kafka.bootstrapServers()), config.metricsTopic(), "elec")) {
      summaries = recorder.awaitExamples(45312, Duration.ofMinutes(1));
    }
    // every update is in exactly one summary
    assertEquals(45312, summaries.stream().mapToLong(TrainingMetrics::getExamples).sum());
    // the file was in the topic before the learner started: a replay. The policy must hear that nothing
    // arrives any more (the partition's end offset stands still) and how many events wait (the consumer
    // lag), not the rate the record timestamps show, which is how fast the file was published
    for (TrainingMetrics s : summaries.subList(1, summaries.size())) {
      assertEquals(0.0, s.getArrivalRate(), "summary of version " + s.getVersion());
      assertTrue(s.getLag() <= 45_312 - s.getExamplesSeen(), "version " + s.getVersion() + " lag " + s.getLag());
    }
    // caught up, nothing arriving: back to the smallest batch
    TrainingMetrics last = summaries.get(summaries.size() - 1);
    assertEquals(0, last.getLag());
    assertEquals(1, last.getNextBatchSize());
  }
}
