package io.batchwise.app.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker and controller) running in this JVM on
 * loopback, for the demo and for local runs without a cluster. Its data lives in a folder that is removed
 * on {@link #close()} when the broker created it. Clients connect to the listener named {@value #CLIENT_LISTENER}
 * (PLAINTEXT unless overridden); the controller listens on {@value #CONTROLLER_LISTENER}. Log segments have
 * Kafka's default sizes unless an override says otherwise.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  public static final String CLIENT_LISTENER = "CLIENT";
  public static final String CONTROLLER_LISTENER = "CONTROLLER";

  /**
   * How to start a broker.
   *
   * @param port       the client port, 0 for a free one
   * @param dataDir    where the broker keeps its logs; null for a temporary folder removed on close. An
   *                   existing folder formatted by an earlier run is reused, so its topics survive.
   * @param overrides  broker properties applied over the defaults, e.g. {@code log.segment.bytes} or a
   *                   listener's security settings
   * @param scramUsers SCRAM credentials written into the cluster metadata when the folder is formatted (a
   *                   SASL/SCRAM listener needs its inter-broker user before the broker starts)
   */
  public record Options(int port, Path dataDir, Map<String, String> overrides, List<ScramUser> scramUsers) {
    public Options {
      overrides = Map.copyOf(overrides);
      scramUsers = List.copyOf(scramUsers);
    }

    public static Options defaults() {
      return new Options(0, null, Map.of(), List.of());
    }
  }

  /** A SCRAM credential: mechanism (SCRAM-SHA-256 or SCRAM-SHA-512), user name and password. */
  public record ScramUser(String mechanism, String name, String password) {
    String formatArgument() {
      return mechanism + "=[name=" + name + ",password=" + password + "]";
    }
  }

  private final KafkaRaftServer server;
  private final Path dataDir;
  private final boolean ownsDataDir;
  private final String bootstrapServers;

  private EmbeddedKafkaBroker(KafkaRaftServer server, Path dataDir, boolean ownsDataDir, String bootstrapServers) {
    this.server = server;
    this.dataDir = dataDir;
    this.ownsDataDir = ownsDataDir;
    this.bootstrapServers = bootstrapServers;
  }

  /** Starts a broker on a free port with its data in a new temporary folder. */
  public static EmbeddedKafkaBroker start() {
    return start(Options.defaults());
  }

  /** Starts a broker on {@code port} (0: a free one) with its data in {@code dataDir} (null: a temporary folder). */
  public static EmbeddedKafkaBroker start(int port, Path dataDir) {
    return start(new Options(port, dataDir, Map.of(), List.of()));
  }

  public static EmbeddedKafkaBroker start(Options options) {
    try {
      boolean owns = options.dataDir() == null;
      Path dir = owns ? Files.createTempDirectory("batchwise-kafka-") : options.dataDir().toAbsolutePath();
      Files.createDirectories(dir);
      int clientPort = options.port() > 0 ? options.port() : freePort();
      Path controllerPortFile = dir.resolve("controller.port");
      int controllerPort = Files.exists(controllerPortFile)
          ? Integer.parseInt(Files.readString(controllerPortFile).strip()) : freePort();
      Properties props = brokerProperties(dir.resolve("logs"), clientPort, controllerPort);
      props.putAll(options.overrides());
      Path meta = dir.resolve("logs").resolve("meta.properties");
      if (!Files.exists(meta)) {
        format(dir, props, options.scramUsers());
        Files.writeString(controllerPortFile, String.valueOf(controllerPort));
      }
      KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
      server.startup();
      return new EmbeddedKafkaBroker(server, dir, owns, "127.0.0.1:" + clientPort);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare the embedded broker's folder: " + e.getMessage(), e);
    }
  }

  private static Properties brokerProperties(Path logDir, int clientPort, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put("listeners", CLIENT_LISTENER + "://127.0.0.1:" + clientPort + "," + CONTROLLER_LISTENER + "://127.0.0.1:"
        + controllerPort);
    p.put("advertised.listeners", CLIENT_LISTENER + "://127.0.0.1:" + clientPort);
    p.put("controller.listener.names", CONTROLLER_LISTENER);
    p.put("listener.security.protocol.map", CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    p.put("inter.broker.listener.name", CLIENT_LISTENER);
    p.put("log.dirs", logDir.toString());
    p.put("num.partitions", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "4");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "true");
    // model snapshots are large records
    p.put("message.max.bytes", String.valueOf(64 * 1024 * 1024));
    p.put("replica.fetch.max.bytes", String.valueOf(64 * 1024 * 1024));
    return p;
  }

  /** Formats the log folder as StorageTool's format command does (a new cluster id, static quorum). */
  private static void format(Path dir, Properties props, List<ScramUser> scramUsers) throws IOException {
    Path config = dir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(config)) {
      props.store(out, "embedded batchwise broker");
    }
    List<String> args = new ArrayList<>(List.of("format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()));
    for (ScramUser user : scramUsers) {
      args.add("--add-scram");
      args.add(user.formatArgument());
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int exit = StorageTool.execute(args.toArray(String[]::new), new PrintStream(output, true, StandardCharsets.UTF_8));
    if (exit != 0) {
      throw new IllegalStateException("Formatting the embedded broker's storage failed: "
          + output.toString(StandardCharsets.UTF_8).strip());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public Path dataDir() {
    return dataDir;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
    if (ownsDataDir) {
      deleteRecursively(dataDir);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // best effort: a leftover temp folder is not worth failing the run
    }
  }
}
