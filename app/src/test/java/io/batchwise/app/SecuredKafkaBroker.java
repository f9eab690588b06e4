package io.batchwise.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.batchwise.app.broker.EmbeddedKafkaBroker;

/**
 * A real secured single-node KRaft broker for integration tests: clients connect over SASL_SSL with
 * SCRAM-SHA-512 (certificates made for the run), and the StandardAuthorizer allows only what ACLs grant.
 * The super user {@value #ADMIN} sets the ACLs; every other user of {@link #USERS} starts with none.
 * Register it as {@code @RegisterExtension static final SecuredKafkaBroker KAFKA = new SecuredKafkaBroker();}.
 */
final class SecuredKafkaBroker implements BeforeAllCallback, AfterAllCallback {
  static final String ADMIN = "admin";
  /** The principals docs/OPERATIONS.md grants ACLs to, and one that should have none. */
  static final List<String> USERS = List.of("topics", "learner", "ingest", "serve", "demo", "nobody");
  private static final String MECHANISM = "SCRAM-SHA-512";
  private static final String CONTROLLER_USER = "controller";

  private EmbeddedKafkaBroker broker;
  private TestCertificates certificates;
  private Path dir;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Path base = Files.createDirectories(Path.of("target", "secured-kafka-test")).toAbsolutePath();
    dir = Files.createTempDirectory(base, "broker-");
    certificates = TestCertificates.create(dir);
    List<EmbeddedKafkaBroker.ScramUser> users = new ArrayList<>();
    users.add(new EmbeddedKafkaBroker.ScramUser(MECHANISM, ADMIN, password(ADMIN)));
    USERS.forEach(user -> users.add(new EmbeddedKafkaBroker.ScramUser(MECHANISM, user, password(user))));
    broker = EmbeddedKafkaBroker.start(new EmbeddedKafkaBroker.Options(0, dir.resolve("data"), brokerSecurity(), users));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    broker.close();
  }

  /**
   * SASL_SSL with SCRAM for clients and between brokers (as the super user), SASL PLAIN for the controller
   * listener (SCRAM credentials live in the metadata the controller serves, so it cannot use them itself).
   */
  private Map<String, String> brokerSecurity() {
    String client = "listener.name." + EmbeddedKafkaBroker.CLIENT_LISTENER.toLowerCase() + ".";
    String controller = "listener.name." + EmbeddedKafkaBroker.CONTROLLER_LISTENER.toLowerCase() + ".";
    Map<String, String> p = new HashMap<>();
    p.put("listener.security.protocol.map", EmbeddedKafkaBroker.CLIENT_LISTENER + ":SASL_SSL,"
        + EmbeddedKafkaBroker.CONTROLLER_LISTENER + ":SASL_PLAINTEXT");
    p.put(client + "sasl.enabled.mechanisms", MECHANISM);
    p.put(client + MECHANISM.toLowerCase() + ".sasl.jaas.config", jaas(ADMIN));
    p.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
    p.put(controller + "sasl.enabled.mechanisms", "PLAIN");
    p.put(controller + "plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
        + " username=\"" + CONTROLLER_USER + "\" password=\"" + password(CONTROLLER_USER) + "\" user_"
        + CONTROLLER_USER + "=\"" + password(CONTROLLER_USER) + "\";");
    p.put("sasl.mechanism.controller.protocol", "PLAIN");
    p.put("ssl.keystore.type", "PKCS12");
    p.put("ssl.keystore.location", certificates.keystore().toString());
    p.put("ssl.keystore.password", certificates.password());
    p.put("ssl.truststore.type", "PKCS12");
    p.put("ssl.truststore.location", certificates.truststore().toString());
    p.put("ssl.truststore.password", certificates.password());
    p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    p.put("super.users", "User:" + ADMIN + ";User:" + CONTROLLER_USER);
    return p;
  }

  static String password(String user) {
    return user + "-secret";
  }

  private static String jaas(String user) {
    return jaas(user, password(user));
  }

  private static String jaas(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
        + password + "\";";
  }

  String bootstrapServers() {
    return broker.bootstrapServers();
  }

  /** The standard client security keys for {@code user}: what a team puts in its client properties file. */
  Map<String, Object> clientSettings(String user) {
    return clientSettings(user, password(user));
  }

  Map<String, Object> clientSettings(String user, String password) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("bootstrap.servers", bootstrapServers());
    settings.put("security.protocol", "SASL_SSL");
    settings.put("sasl.mechanism", MECHANISM);
    settings.put("sasl.jaas.config", jaas(user, password));
    settings.put("ssl.truststore.type", "PKCS12");
    settings.put("ssl.truststore.location", certificates.truststore().toString());
    settings.put("ssl.truststore.password", certificates.password());
    return settings;
  }

  /** The same settings as environment variables, as a container would be given them. */
  Map<String, String> environment(String user) {
    Map<String, String> environment = new HashMap<>();
    clientSettings(user).forEach((key, value) -> environment.put(
        key.equals("bootstrap.servers") ? Settings.BOOTSTRAP_ENV : Settings.environmentName(key), value.toString()));
    return environment;
  }

  /** {@code settings} as a properties file. */
  Path propertiesFile(Map<String, Object> settings) {
    StringBuilder text = new StringBuilder();
    settings.forEach((key, value) -> text.append(key).append('=')
        .append(value.toString().replace("\\", "\\\\")).append('\n'));
    try {
      Path file = Files.createTempFile(dir, "client-", ".properties");
      Files.writeString(file, text);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code user}'s client settings as a properties file. */
  Path propertiesFile(String user) {
    return propertiesFile(clientSettings(user));
  }

  Admin admin() {
    return Admin.create(clientSettings(ADMIN));
  }

  /** Replaces every ACL on the broker with {@code bindings}. */
  void setAcls(List<AclBinding> bindings) throws Exception {
    try (Admin admin = admin()) {
      admin.deleteAcls(List.of(AclBindingFilter.ANY)).all().get();
      admin.createAcls(bindings).all().get();
    }
  }

  /** How many logins the broker has refused so far (its socket server's failed-authentication-total). */
  static double failedAuthentications() throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    double total = 0;
    for (ObjectName name : server.queryNames(new ObjectName("kafka.server:type=socket-server-metrics,listener="
        + EmbeddedKafkaBroker.CLIENT_LISTENER + ",networkProcessor=*"), null)) {
      total += ((Number) server.getAttribute(name, "failed-authentication-total")).doubleValue();
    }
    return total;
  }
}
