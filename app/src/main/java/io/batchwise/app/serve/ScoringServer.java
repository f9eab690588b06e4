package io.batchwise.app.serve;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Map;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.batchwise.app.dashboard.Dashboard;
import io.batchwise.app.monitoring.KafkaClientMeters;
import io.batchwise.app.monitoring.Monitoring;
import io.batchwise.client.SnapshotScorer;

/**
 * The scoring server: {@link ScoringApi} on Jetty, and the live dashboard ({@link DashboardHandler}) where it is
 * given one, over HTTP or, with a keystore, HTTPS. What one request may
 * cost is bounded: its body ({@code serve.max.body.bytes}), its instances ({@code serve.max.instances}), the
 * requests handled at once ({@code serve.threads}) and how long a silent or slow client may hold a connection.
 */
public final class ScoringServer implements AutoCloseable {
  /** Jetty's acceptor and selector threads, beside the request threads. */
  private static final int CONNECTOR_THREADS = 2;
  /** A client that sends its body slower than this (bytes/s) is answered 408 and its thread freed. */
  private static final long MIN_REQUEST_DATA_RATE = 1024;

  private final Server server;
  private final ServerConnector connector;
  private final ScoringApi api;
  private final Monitoring monitoring;
  private final boolean tls;

  private ScoringServer(Server server, ServerConnector connector, ScoringApi api, Monitoring monitoring, boolean tls) {
    this.server = server;
    this.connector = connector;
    this.api = api;
    this.monitoring = monitoring;
    this.tls = tls;
  }

  /** Starts serving the scorer's models. */
  public static ScoringServer start(SnapshotScorer scorer, String snapshotsTopic, ServeConfig config)
      throws IOException {
    ScoringServer server = start(snapshotsTopic, config);
    server.serve(scorer);
    return server;
  }

  /**
   * Starts the server without models: {@code /healthz} answers, everything else is 503 until {@link #serve}.
   *
   * @throws IllegalArgumentException for a keystore that cannot be read or a token file without a token
   * @throws IOException              when the address cannot be bound
   */
  public static ScoringServer start(String snapshotsTopic, ServeConfig config) throws IOException {
    return start(snapshotsTopic, config, null);
  }

  /** As {@link #start(String, ServeConfig)}, with the live dashboard at {@code /} (none when null). */
  public static ScoringServer start(String snapshotsTopic, ServeConfig config, Dashboard dashboard) throws IOException {
    QueuedThreadPool threads = new QueuedThreadPool(config.threads() + CONNECTOR_THREADS,
        Math.min(config.threads() + CONNECTOR_THREADS, 4));
    threads.setName("serve");
    threads.setReservedThreads(0);
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setMinRequestDataRate(MIN_REQUEST_DATA_RATE);
    ServerConnector connector;
    boolean tls = config.tlsKeystore().isPresent();
    if (tls) {
      http.addCustomizer(new SecureRequestCustomizer(false));
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setKeyStore(keyStore(config.tlsKeystore().get(), config.tlsKeystorePassword()));
      ssl.setKeyStorePassword(new String(config.tlsKeystorePassword()));
      connector = new ServerConnector(server, 1, 1, new SslConnectionFactory(ssl, "http/1.1"),
          new HttpConnectionFactory(http));
    } else {
      connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    }
    connector.setHost(config.host());
    connector.setPort(config.port());
    connector.setIdleTimeout(config.idleTimeoutMillis());
    server.addConnector(connector);
    BearerToken token = new BearerToken(config.token());
    Monitoring monitoring = new Monitoring();
    ScoringApi api = new ScoringApi(snapshotsTopic, config, token, monitoring);
    server.setHandler(dashboard == null ? api : new Handler.Sequence(new DashboardHandler(dashboard, token), api));
    server.setErrorHandler(new JsonErrors());
    try {
      server.start();
    } catch (IOException e) {
      stopQuietly(server, monitoring);
      throw new IOException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
    } catch (Exception e) {
      stopQuietly(server, monitoring);
      throw new IllegalStateException("cannot start the scoring server: " + e.getMessage(), e);
    }
    return new ScoringServer(server, connector, api, monitoring, tls);
  }

  /** Answers with the models of this scorer from now on (ready once it has caught up). */
  public void serve(SnapshotScorer scorer) {
    api.serve(scorer);
  }

  private static KeyStore keyStore(Path file, char[] password) {
    try {
      return KeyStore.getInstance(file.toFile(), password);
    } catch (IOException | GeneralSecurityException e) {
      String reason = e.getCause() instanceof java.security.UnrecoverableKeyException
          || String.valueOf(e.getMessage()).contains("password") ? "wrong password (" + ServeConfig.TLS_KEYSTORE_PASSWORD
          + ")" : e.getMessage();
      throw new IllegalArgumentException(ServeConfig.TLS_KEYSTORE + ": cannot read " + file + ": " + reason);
    }
  }

  private static void stopQuietly(Server server, Monitoring monitoring) {
    monitoring.close();
    try {
      server.stop();
    } catch (Exception ignored) {
      // it did not start: nothing to release
    }
  }

  /** What {@code GET /metrics} answers; the scorer's Kafka consumer reports here too ({@link KafkaClientMeters}). */
  public Monitoring monitoring() {
    return monitoring;
  }

  /** The port it listens on (the one picked when the configured port was 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** Where it answers, e.g. {@code http://127.0.0.1:8080/}. */
  public URI uri() {
    String host = connector.getHost() == null || connector.getHost().equals("0.0.0.0") ? "localhost"
        : connector.getHost();
    return URI.create((tls ? "https" : "http") + "://" + host + ":" + port() + "/");
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the scoring server: " + e.getMessage(), e);
    } finally {
      monitoring.close();
    }
  }

  /** Jetty's own errors (a malformed request line, a body sent too slowly...) as JSON, like the API's. */
  private static final class JsonErrors extends ErrorHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
        Callback callback) throws IOException {
      String text = message == null || message.isBlank() ? "HTTP " + code : message;
      byte[] body = JSON.writeValueAsBytes(Map.of("error", text));
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      response.write(true, ByteBuffer.wrap(body), callback);
    }
  }
}
