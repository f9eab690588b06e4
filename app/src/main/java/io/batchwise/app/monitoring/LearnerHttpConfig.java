package io.batchwise.app.monitoring;

import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Where {@code learn} answers {@code /healthz}, {@code /readyz} and {@code /metrics}, if anywhere: off unless a
 * port is given. Read from the properties file, the environment ({@code BATCHWISE_LEARN_HTTP_PORT}) and flags.
 */
public final class LearnerHttpConfig extends AbstractConfig {
  public static final String PORT = "learn.http.port";
  public static final String HOST = "learn.http.host";
  /** The port value that keeps the endpoints off. */
  public static final int OFF = -1;

  public static final ConfigDef DEFINITION = new ConfigDef()
      .define(PORT, Type.INT, OFF, Range.between(OFF, 65535), Importance.MEDIUM,
          "Port of learn's health and metrics endpoints (GET /healthz, /readyz, /metrics); -1 (the default) for "
              + "none, 0 picks a free one.")
      .define(HOST, Type.STRING, "127.0.0.1", Importance.MEDIUM,
          "Address the endpoints listen on: loopback by default, 0.0.0.0 for every interface (as in a container).");

  public LearnerHttpConfig(Map<?, ?> settings) {
    super(DEFINITION, settings, false);
  }

  public boolean enabled() {
    return port() != OFF;
  }

  public int port() {
    return getInt(PORT);
  }

  public String host() {
    return getString(HOST);
  }
}
