package io.batchwise.app.monitoring;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The metrics of a long-running command ({@code learn}, {@code serve}) as Prometheus scrapes them: a Micrometer
 * registry holding the JVM's and the process's meters (memory, threads, GC, CPU, file descriptors, uptime) beside
 * whatever the command binds to it, answered on {@code GET /metrics} in the Prometheus text format.
 */
public final class Monitoring implements AutoCloseable {
  /** The Prometheus text exposition format, version 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<AutoCloseable> closeables = new ArrayList<>();

  public Monitoring() {
    bind(new JvmMemoryMetrics());
    bind(new JvmThreadMetrics());
    bind(new JvmGcMetrics());
    bind(new ProcessorMetrics());
    bind(new FileDescriptorMetrics());
    bind(new UptimeMetrics());
  }

  /** Binds the meters of {@code binder}; closed with this when it is closeable. */
  public void bind(MeterBinder binder) {
    binder.bindTo(registry);
    if (binder instanceof AutoCloseable closeable) {
      closeables.add(closeable);
    }
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Every meter, in the Prometheus text format. */
  public String scrape() {
    return registry.scrape();
  }

  /** Answers a scrape: 200 with every meter in the text format. */
  public void answer(Response response, Callback callback) {
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
    response.write(true, ByteBuffer.wrap(scrape().getBytes(StandardCharsets.UTF_8)), callback);
  }

  @Override
  public void close() {
    for (AutoCloseable closeable : closeables) {
      try {
        closeable.close();
      } catch (Exception e) {
        // a binder that cannot let go of its meters: the registry goes with it
      }
    }
    registry.close();
  }
}
