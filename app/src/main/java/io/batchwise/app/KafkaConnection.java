package io.batchwise.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.utils.Utils;

/**
 * Where a Kafka cluster is and how to connect to it: the {@link Settings#CONNECTION_KEYS connection keys}
 * (bootstrap servers, TLS, SASL) every client of a command is built with. Waits for the cluster at start-up, so a
 * command started before its broker (by compose or an orchestrator) does not die, while a wrong address still
 * ends in a clear one-line error and a wrong password fails at once.
 */
public final class KafkaConnection {
  public static final String BROKER_WAIT_MS = "broker.wait.ms";

  public static final ConfigDef DEFINITION = new ConfigDef()
      .define(BROKER_WAIT_MS, Type.LONG, 120_000L, Range.atLeast(0), Importance.MEDIUM,
          "How long learn, serve, ingest and topics wait at start-up for the first answer from Kafka, retrying "
              + "with exponential backoff (1 s, 2 s, 4 s, ... at most 30 s apart), before they fail.");

  /** How long the interactive commands (snapshots, score, demo) wait for a broker. */
  public static final Duration INTERACTIVE_WAIT = Duration.ofSeconds(15);

  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  /** How long one connection attempt to a bootstrap server may take. */
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  /**
   * How long a listening broker may take to answer, at most and at least (however little of the wait is left): a
   * loaded one, or a cold JVM's first TLS handshake, can take seconds.
   */
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration MIN_ANSWER_TIMEOUT = Duration.ofSeconds(5);

  private final Map<String, Object> clientSettings;

  private KafkaConnection(Map<String, Object> clientSettings) {
    this.clientSettings = Map.copyOf(clientSettings);
  }

  /** The connection keys of {@code settings}; bootstrap.servers must be among them. */
  public static KafkaConnection of(Map<String, ?> settings) {
    Map<String, Object> connection = Settings.connection(settings);
    if (connection.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG) == null) {
      throw new IllegalArgumentException("no Kafka given: pass --bootstrap or set " + Settings.BOOTSTRAP_ENV);
    }
    return new KafkaConnection(connection);
  }

  /** A plaintext connection to {@code bootstrapServers}. */
  public static KafkaConnection to(String bootstrapServers) {
    return new KafkaConnection(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
  }

  /** The configured {@value #BROKER_WAIT_MS} of {@code settings}. */
  public static Duration brokerWait(Map<?, ?> settings) {
    return Duration.ofMillis(new AbstractConfig(DEFINITION, settings, false).getLong(BROKER_WAIT_MS));
  }

  public String bootstrapServers() {
    return clientSettings.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG).toString();
  }

  /** The connection keys, for a producer, consumer or admin client; callers add their own keys to a copy. */
  public Map<String, Object> clientSettings() {
    return new LinkedHashMap<>(clientSettings);
  }

  public Admin admin() {
    return Admin.create(clientSettings);
  }

  /**
   * Returns once the cluster answers. While it does not, asks again with exponential backoff, and tells
   * {@code waiting} once (one line) that it waits; gives up after {@code limit}, the {@value #BROKER_WAIT_MS}.
   *
   * @throws IllegalStateException with a one-line message when the cluster did not answer within {@code limit},
   *     at once when it refused the credentials (no retries: each would be another failed login), or when the
   *     client settings are wrong
   */
  public void awaitBroker(Duration limit, Consumer<String> waiting) {
    await(limit, " (up to " + limit.toSeconds() + " s, " + BROKER_WAIT_MS + ")",
        " within " + limit.toSeconds() + " s (" + BROKER_WAIT_MS + ")", waiting);
  }

  /** As {@link #awaitBroker} for {@link #INTERACTIVE_WAIT}, quietly. */
  public void requireReachable() {
    await(INTERACTIVE_WAIT, "", " within " + INTERACTIVE_WAIT.toSeconds() + " s", line -> { });
  }

  private void await(Duration limit, String upTo, String within, Consumer<String> waiting) {
    long deadline = System.nanoTime() + limit.toNanos();
    Duration backoff = FIRST_BACKOFF;
    boolean announced = false;
    while (true) {
      long answerMs = Math.min(ANSWER_TIMEOUT.toMillis(),
          Math.max(MIN_ANSWER_TIMEOUT.toMillis(), remainingMillis(deadline)));
      if (listening() && answers(answerMs)) {
        return;
      }
      long remainingMs = remainingMillis(deadline);
      if (remainingMs <= 0) {
        throw new IllegalStateException("cannot reach Kafka at " + bootstrapServers() + within);
      }
      if (!announced) {
        waiting.accept("waiting for Kafka at " + bootstrapServers() + upTo + "...");
        announced = true;
      }
      try {
        Thread.sleep(Math.min(remainingMs, backoff.toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for Kafka at " + bootstrapServers());
      }
      backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
    }
  }

  private static long remainingMillis(long deadline) {
    return TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
  }

  /**
   * Whether any bootstrap server accepts a TCP connection. A broker that is down or not yet in DNS is told apart
   * this way from one that is slow to answer (a first TLS handshake in a cold JVM can take seconds), which
   * must not count as not there.
   */
  private boolean listening() {
    for (String address : bootstrapServers().split(",")) {
      String host = Utils.getHost(address.strip());
      Integer port = Utils.getPort(address.strip());
      if (host == null || port == null) {
        return true;  // not host:port: the Kafka client names the mistake
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
        return true;
      } catch (IOException e) {
        // not listening yet, or not in DNS yet: try the next one
      }
    }
    return false;
  }

  /** Whether the cluster answered within {@code timeoutMs}; throws when waiting longer cannot help. */
  private boolean answers(long timeoutMs) {
    Map<String, Object> settings = clientSettings();
    settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeoutMs);
    settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMs);
    try (Admin admin = Admin.create(settings)) {
      admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeoutMs)).clusterId()
          .get(timeoutMs + 1000, TimeUnit.MILLISECONDS);
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TimeoutException) {
        return false;
      }
      throw failure(e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to Kafka at " + bootstrapServers());
    } catch (KafkaException e) {
      throw failure(e);
    }
  }

  private IllegalStateException failure(Throwable e) {
    return new IllegalStateException("cannot connect to Kafka at " + bootstrapServers() + ": " + describe(e));
  }

  /** One line naming what went wrong with a Kafka client: the innermost cause, authentication failures named so. */
  public static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      if (root instanceof AuthenticationException) {
        break;
      }
      root = root.getCause();
    }
    String message = Main.oneLine(root);
    if (root instanceof AuthenticationException && !message.toLowerCase(Locale.ROOT).contains("authentication")) {
      return "authentication failed: " + message;
    }
    return message;
  }
}
