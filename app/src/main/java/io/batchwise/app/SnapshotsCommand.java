package io.batchwise.app;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.batchwise.client.SnapshotFollower;
import io.batchwise.learner.stream.LearnerConfig;
import io.batchwise.schemas.ModelSnapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "snapshots", mixinStandardHelpOptions = true,
    description = "Prints the latest snapshot of each model (version, examples seen, metrics) and exits.")
final class SnapshotsCommand implements Callable<Integer> {
  @Mixin
  KafkaOptions kafka;

  @Option(names = "--model", description = "Only this model id.")
  String modelId;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> settings = kafka.settings(Map.of());
    LearnerConfig config = new LearnerConfig(settings);
    KafkaConnection connection = kafka.connect(settings, false);
    AccessCheck.require(connection, CommandAccess.snapshotReader(config.snapshotsTopic()));
    Map<String, ModelSnapshot> latest;
    try (SnapshotFollower follower = new SnapshotFollower(connection.clientSettings(), config.snapshotsTopic())) {
      latest = new TreeMap<>(follower.readToEnd(Duration.ofSeconds(60)));
    }
    if (modelId != null) {
      latest.keySet().retainAll(List.of(modelId));
      if (latest.isEmpty()) {
        System.err.println("snapshots: no snapshot of model " + modelId + " on " + config.snapshotsTopic());
        return 1;
      }
    }
    if (json) {
      Map<String, Object> out = new LinkedHashMap<>();
      latest.forEach((id, s) -> out.put(id, SnapshotSummary.of(s)));
      System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out));
    } else {
      System.out.printf("%-20s %8s %12s %8s %10s %9s %7s %10s %12s%n", "model", "version", "examples", "updates",
          "log-loss", "accuracy", "batch", "lr", "dead-letters");
      latest.forEach((id, s) -> System.out.printf("%-20s %8d %12d %8d %10.4f %9.4f %7d %10.4g %12d%n", id,
          s.getVersion(), s.getExamplesSeen(), s.getUpdates(), s.getMetrics().getLogLoss(),
          s.getMetrics().getAccuracy(), s.getBatchSize(), s.getLearningRate(), s.getDeadLetters()));
    }
    return 0;
  }
}
