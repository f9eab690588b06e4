package io.batchwise.app;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Checks that a broker answers before a command commits to it, so a wrong address fails fast and clearly. */
public final class KafkaConnection {
  private static final long TIMEOUT_SECONDS = 15;

  private KafkaConnection() {
  }

  /** @throws IllegalStateException with a one-line message when no broker answers within 15 s */
  public static void requireReachable(String bootstrapServers) {
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS)))) {
      admin.describeCluster().clusterId().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      throw new IllegalStateException("cannot reach Kafka at " + bootstrapServers + " within " + TIMEOUT_SECONDS + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to Kafka at " + bootstrapServers);
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new IllegalStateException("cannot connect to Kafka at " + bootstrapServers + ": " + e.getMessage());
    }
  }
}
