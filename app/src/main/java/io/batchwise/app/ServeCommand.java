package io.batchwise.app;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.common.config.ConfigException;

import io.batchwise.app.dashboard.Dashboard;
import io.batchwise.app.dashboard.MetricsFollower;
import io.batchwise.app.monitoring.KafkaClientMeters;
import io.batchwise.app.serve.ScoringServer;
import io.batchwise.app.serve.ServeConfig;
import io.batchwise.client.SnapshotScorer;
import io.batchwise.learner.stream.LearnerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Serves the latest snapshot of every model over HTTP, and a live dashboard of every model at /: "
        + "GET /models, GET /models/{id}, "
        + "POST /models/{id}/predict with {\"features\": [...]} or {\"instances\": [[...], ...]}; GET /healthz "
        + "(up), GET /readyz (200 once the snapshots topic has been read to its end, 503 before) and GET /metrics "
        + "(Prometheus). Every prediction names the model version that made it.",
        "Settings (serve.* keys, see README): --config FILE, then environment (BATCHWISE_SERVE_PORT, "
            + "BATCHWISE_SERVE_TOKEN, BATCHWISE_SERVE_TLS_KEYSTORE_PASSWORD, ...), then flags."})
final class ServeCommand implements Callable<Integer> {
  @Mixin
  KafkaOptions kafka;

  @Option(names = "--host", paramLabel = "ADDRESS",
      description = "Address to listen on (serve.host; default 127.0.0.1, loopback only; 0.0.0.0 for every interface).")
  String host;

  @Option(names = "--port", paramLabel = "PORT", description = "HTTP port; 0 picks a free one (serve.port; default 8080).")
  Integer port;

  @Option(names = "--max-body-bytes", paramLabel = "BYTES",
      description = "Largest request body; larger ones get 413 (serve.max.body.bytes; default 1048576).")
  Long maxBodyBytes;

  @Option(names = "--max-instances", paramLabel = "N",
      description = "Most instances per predict request; more get 413 (serve.max.instances; default 1000).")
  Integer maxInstances;

  @Option(names = "--threads", paramLabel = "N", description = "Requests handled at once (serve.threads; default 8).")
  Integer threads;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "Require Authorization: Bearer TOKEN, the file's first line, on all but /healthz and /readyz "
          + "(serve.token.file; or the token itself in BATCHWISE_SERVE_TOKEN).")
  String tokenFile;

  @Option(names = "--tls-keystore", paramLabel = "FILE",
      description = "Serve HTTPS with this PKCS12 or JKS keystore (serve.tls.keystore); its password from "
          + "serve.tls.keystore.password in --config or BATCHWISE_SERVE_TLS_KEYSTORE_PASSWORD.")
  String tlsKeystore;

  @Option(names = "--catch-up-timeout-s", paramLabel = "SECONDS", defaultValue = "600",
      description = "Fail when the snapshots topic cannot be read to its end within this time (default: ${DEFAULT-VALUE}).")
  long catchUpTimeoutSeconds;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> flags = new LinkedHashMap<>();
    flags.put(ServeConfig.HOST, host);
    flags.put(ServeConfig.PORT, port);
    flags.put(ServeConfig.MAX_BODY_BYTES, maxBodyBytes);
    flags.put(ServeConfig.MAX_INSTANCES, maxInstances);
    flags.put(ServeConfig.THREADS, threads);
    flags.put(ServeConfig.TOKEN_FILE, tokenFile);
    flags.put(ServeConfig.TLS_KEYSTORE, tlsKeystore);
    ServeConfig serveConfig;
    try {
      serveConfig = new ServeConfig(Settings.layered(kafka.configFile, System.getenv(), flags));
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage());  // wrong usage: exit code 2
    }
    Map<String, Object> settings = kafka.settings(Map.of());
    LearnerConfig config = new LearnerConfig(settings);
    // up before Kafka is: /healthz answers, and /readyz says why the models do not yet
    Dashboard dashboard = new Dashboard(serveConfig.dashboardPoints());
    ScoringServer server = ScoringServer.start(config.snapshotsTopic(), serveConfig, dashboard);
    System.out.println("serving " + server.uri() + "models" + (serveConfig.token().isPresent() ? " (bearer token required)" : "")
        + " and the dashboard at " + server.uri() + "; ready once " + config.snapshotsTopic()
        + " has been read to its end");
    System.out.flush();
    SnapshotScorer scorer;
    MetricsFollower metrics;
    try {
      KafkaConnection connection = kafka.connect(settings, true);
      TopicSetup.ensureTopics(connection, List.of(new TopicsConfig(settings).snapshots(1)));
      AccessCheck.require(connection, CommandAccess.snapshotReader(config.snapshotsTopic()));
      scorer = SnapshotScorer.follow(KafkaClientMeters.settings(connection.clientSettings(),
          server.monitoring().registry()), config.snapshotsTopic());
      // the charts are the dashboard's only use of the metrics topic: where it may not be read, it says so
      metrics = new MetricsFollower(connection.clientSettings(), config.metricsTopic());
      dashboard.follow("", scorer::latest, metrics);
      metrics.start();
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    server.serve(scorer);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      metrics.close();
      scorer.close();
      stopped.countDown();
    }, "serve-shutdown"));
    if (!scorer.awaitCaughtUp(Duration.ofSeconds(catchUpTimeoutSeconds))) {
      throw new IllegalStateException("could not read " + config.snapshotsTopic() + " to its end within "
          + catchUpTimeoutSeconds + " s");
    }
    int models = scorer.latest().size();
    System.out.println("serve: ready, the latest snapshot of " + models + (models == 1 ? " model" : " models") + " read");
    System.out.flush();
    stopped.await();
    return 0;
  }
}
