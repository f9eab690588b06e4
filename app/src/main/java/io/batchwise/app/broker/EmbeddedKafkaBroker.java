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
import java.util.Comparator;
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
 * on {@link #close()} when the broker created it.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
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
    return start(0, null);
  }

  /**
   * Starts a broker.
   *
   * @param port    the client port, 0 for a free one
   * @param dataDir where the broker keeps its logs; null for a temporary folder removed on close. An
   *                existing folder formatted by an earlier run is reused, so its topics survive.
   */
  public static EmbeddedKafkaBroker start(int port, Path dataDir) {
    try {
      boolean owns = dataDir == null;
      Path dir = owns ? Files.createTempDirectory("batchwise-kafka-") : dataDir.toAbsolutePath();
      Files.createDirectories(dir);
      int clientPort = port > 0 ? port : freePort();
      Path controllerPortFile = dir.resolve("controller.port");
      int controllerPort = Files.exists(controllerPortFile)
          ? Integer.parseInt(Files.readString(controllerPortFile).strip()) : freePort();
      Properties props = brokerProperties(dir.resolve("logs"), clientPort, controllerPort);
      Path meta = dir.resolve("logs").resolve("meta.properties");
      if (!Files.exists(meta)) {
        format(dir, props);
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
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
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
    p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
    return p;
  }

  /** Formats the log folder as StorageTool's format command does (a new cluster id, static quorum). */
  private static void format(Path dir, Properties props) throws IOException {
    Path config = dir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(config)) {
      props.store(out, "embedded batchwise broker");
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int exit = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c",
        config.toString()}, new PrintStream(output, true, StandardCharsets.UTF_8));
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
