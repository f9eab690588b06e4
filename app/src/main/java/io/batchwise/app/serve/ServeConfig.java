package io.batchwise.app.serve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;

/**
 * Configuration of the scoring server, defined like Kafka's own configs: every key typed, documented and
 * defaulted; read from the properties file, the environment ({@code BATCHWISE_SERVE_PORT}, ...) and flags.
 */
public final class ServeConfig extends AbstractConfig {
  public static final String HOST = "serve.host";
  public static final String PORT = "serve.port";
  public static final String MAX_BODY_BYTES = "serve.max.body.bytes";
  public static final String MAX_INSTANCES = "serve.max.instances";
  public static final String THREADS = "serve.threads";
  public static final String IDLE_TIMEOUT_MS = "serve.idle.timeout.ms";
  public static final String TOKEN = "serve.token";
  public static final String TOKEN_FILE = "serve.token.file";
  public static final String TLS_KEYSTORE = "serve.tls.keystore";
  public static final String TLS_KEYSTORE_PASSWORD = "serve.tls.keystore.password";
  public static final String DASHBOARD_POINTS = "serve.dashboard.points";

  public static final ConfigDef DEFINITION = new ConfigDef()
      .define(HOST, Type.STRING, "127.0.0.1", Importance.HIGH,
          "Address to listen on. The default, loopback, keeps a server without a token off the network; "
              + "0.0.0.0 listens on every interface (as in a container).")
      .define(PORT, Type.INT, 8080, Range.between(0, 65535), Importance.HIGH,
          "Port to listen on; 0 picks a free one.")
      .define(MAX_BODY_BYTES, Type.LONG, 1L << 20, Range.atLeast(1024), Importance.MEDIUM,
          "Largest request body; a larger one is answered 413 without being read into memory.")
      .define(MAX_INSTANCES, Type.INT, 1000, Range.atLeast(1), Importance.MEDIUM,
          "Most instances one predict request may carry; more are answered 413.")
      .define(THREADS, Type.INT, 8, Range.between(1, 1024), Importance.LOW,
          "Requests handled at once; with the body limit, this bounds the memory requests can take.")
      .define(IDLE_TIMEOUT_MS, Type.LONG, 30_000L, Range.atLeast(100), Importance.LOW,
          "Close a connection that sends or reads nothing for this long, so stalled clients free their thread.")
      .define(TOKEN, Type.PASSWORD, null, Importance.HIGH,
          "Bearer token every request but /healthz, /readyz and the dashboard's page and scripts must carry "
              + "(Authorization: Bearer TOKEN; the page asks for it); none by default. Prefer the environment or "
              + "serve.token.file to a flag.")
      .define(TOKEN_FILE, Type.STRING, "", Importance.HIGH,
          "File holding the bearer token (its first line); overrides serve.token.")
      .define(TLS_KEYSTORE, Type.STRING, "", Importance.HIGH,
          "PKCS12 or JKS keystore with the server's key and certificate: serve HTTPS instead of HTTP.")
      .define(TLS_KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.HIGH,
          "Password of serve.tls.keystore and of its key.")
      .define(DASHBOARD_POINTS, Type.INT, 1800, Range.between(10, 100_000), Importance.LOW,
          "Points of history the dashboard keeps and draws per model, one per metrics summary (about one a "
              + "second while it learns): 1800 is the last half hour.");

  public ServeConfig(Map<?, ?> props) {
    super(DEFINITION, props, false);
  }

  public String host() {
    return getString(HOST);
  }

  public int port() {
    return getInt(PORT);
  }

  public long maxBodyBytes() {
    return getLong(MAX_BODY_BYTES);
  }

  public int maxInstances() {
    return getInt(MAX_INSTANCES);
  }

  public int dashboardPoints() {
    return getInt(DASHBOARD_POINTS);
  }

  public int threads() {
    return getInt(THREADS);
  }

  public long idleTimeoutMillis() {
    return getLong(IDLE_TIMEOUT_MS);
  }

  /**
   * The bearer token requests must carry, if any: the first line of {@code serve.token.file}, else
   * {@code serve.token}.
   *
   * @throws IllegalArgumentException when the file cannot be read or holds no token
   */
  public Optional<String> token() {
    String file = getString(TOKEN_FILE);
    if (!file.isBlank()) {
      String token;
      try {
        token = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
      } catch (NoSuchFileException e) {
        throw new IllegalArgumentException(TOKEN_FILE + ": no such file " + file);
      } catch (IOException e) {
        throw new IllegalArgumentException(TOKEN_FILE + ": cannot read " + file + ": " + e.getMessage());
      }
      if (token.isEmpty()) {
        throw new IllegalArgumentException(TOKEN_FILE + ": " + file + " holds no token");
      }
      return Optional.of(token);
    }
    Password token = getPassword(TOKEN);
    return token == null || token.value().isBlank() ? Optional.empty() : Optional.of(token.value().strip());
  }

  public Optional<Path> tlsKeystore() {
    String path = getString(TLS_KEYSTORE);
    return path.isBlank() ? Optional.empty() : Optional.of(Path.of(path));
  }

  public char[] tlsKeystorePassword() {
    Password password = getPassword(TLS_KEYSTORE_PASSWORD);
    return password == null ? new char[0] : password.value().toCharArray();
  }
}
