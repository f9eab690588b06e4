package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.batchwise.app.monitoring.LearnerHttpConfig;
import io.batchwise.app.serve.ServeConfig;
import picocli.CommandLine;

/**
 * No Docker engine runs here, so the compose file and the Dockerfile are checked against the code:
 * every variable a service sets is read by the app, commands exist, ports line up, and the image's
 * entrypoint starts the app's main class.
 */
class ComposeStackTest {
  private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:([A-Z0-9_]+)");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static Path root;
  private static JsonNode compose;
  private static String dockerfile;

  @BeforeAll
  static void read() throws Exception {
    root = repositoryRoot();
    compose = YAML.readTree(root.resolve("docker-compose.yml").toFile());
    dockerfile = Files.readString(root.resolve("Dockerfile"));
  }

  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("docker-compose.yml"))) {
        return dir;
      }
    }
    throw new IllegalStateException("docker-compose.yml not found above " + Path.of("").toAbsolutePath());
  }

  /** Variables the app reads: config keys, Kafka Streams keys, bootstrap, and ${env:...} option defaults. */
  private static Set<String> variablesTheAppReads() {
    Set<String> names = new HashSet<>();
    names.add(Settings.BOOTSTRAP_ENV);
    Settings.environmentKeys().forEach(key -> names.add(Settings.environmentName(key)));
    ServeConfig.DEFINITION.names().forEach(key -> names.add(Settings.environmentName(key)));
    collectOptionDefaults(new CommandLine(new Main()), names);
    return names;
  }

  private static void collectOptionDefaults(CommandLine command, Set<String> names) {
    collectOptionDefaults(command.getCommandSpec().userObject().getClass(), names);
    command.getSubcommands().values().forEach(sub -> collectOptionDefaults(sub, names));
  }

  /**
   * The variables a command reads: the declared (not interpolated) {@code ${env:...}} defaults of its options,
   * argument groups included, and its {@code static final String ..._ENV} constants.
   */
  private static void collectOptionDefaults(Class<?> type, Set<String> names) {
    for (Field field : type.getDeclaredFields()) {
      int modifiers = field.getModifiers();
      if (field.getName().endsWith("_ENV") && field.getType() == String.class
          && java.lang.reflect.Modifier.isStatic(modifiers) && java.lang.reflect.Modifier.isFinal(modifiers)) {
        try {
          field.setAccessible(true);
          names.add((String) field.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
      CommandLine.Option option = field.getAnnotation(CommandLine.Option.class);
      if (option != null) {
        Matcher m = ENV_DEFAULT.matcher(option.defaultValue());
        while (m.find()) {
          names.add(m.group(1));
        }
      }
      if (field.isAnnotationPresent(CommandLine.ArgGroup.class)) {
        collectOptionDefaults(field.getType(), names);
      }
    }
  }

  private static boolean isBatchwise(JsonNode service) {
    return service.has("build") || service.path("image").asText().startsWith("batchwise");
  }

  @Test
  void everyVariableAServiceSetsIsOneTheAppReads() {
    Set<String> read = variablesTheAppReads();
    int checked = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = compose.get("services").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> service = it.next();
      if (!isBatchwise(service.getValue())) {
        continue;
      }
      for (Iterator<String> vars = service.getValue().path("environment").fieldNames(); vars.hasNext(); ) {
        String name = vars.next();
        assertTrue(read.contains(name), service.getKey() + " sets " + name + ", which the app never reads");
        checked++;
      }
    }
    assertTrue(checked >= 8, "the batchwise services are configured by environment");
  }

  @Test
  void imagesAndCommandsExist() {
    Set<String> subcommands = new CommandLine(new Main()).getSubcommands().keySet();
    JsonNode services = compose.get("services");
    assertTrue(services.get("kafka").get("image").asText().startsWith("apache/kafka:"));
    for (String name : List.of("topics", "learner", "producer", "serve")) {
      JsonNode service = services.get(name);
      assertNotNull(service, name);
      assertTrue(isBatchwise(service), name + " runs the batchwise image");
      String command = service.get("command").get(0).asText();
      assertTrue(subcommands.contains(command), name + " runs '" + command + "', not a batchwise subcommand");
      assertEquals("service_healthy", service.get("depends_on").get("kafka").get("condition").asText(),
          name + " waits for a healthy Kafka");
    }
    assertTrue(services.get("kafka").has("healthcheck"));
    assertTrue(compose.get("volumes").has("kafka-data"));
    assertTrue(services.get("kafka").get("volumes").get(0).asText().startsWith("kafka-data:"));
  }

  @Test
  void portsAndAddressesLineUp() {
    JsonNode services = compose.get("services");
    String advertised = services.get("kafka").get("environment").get("KAFKA_ADVERTISED_LISTENERS").asText();
    String bootstrap = advertised.substring(advertised.indexOf("//") + 2);
    for (String name : List.of("topics", "learner", "producer", "serve")) {
      assertEquals(bootstrap, services.get(name).get("environment").get(Settings.BOOTSTRAP_ENV).asText(), name);
    }
    JsonNode serve = services.get("serve");
    String port = serve.get("environment").get("BATCHWISE_SERVE_PORT").asText();
    String published = serve.get("ports").get(0).asText();
    assertEquals(port, published.substring(published.lastIndexOf(':') + 1), "the published port is the one serve listens on");
  }

  /**
   * The learner and serve are healthy once ready: their health checks ask {@code /readyz} on the port each listens
   * on (curl ships with the eclipse-temurin image).
   */
  @Test
  void theLearnerAndServeAreCheckedOnTheirReadinessEndpoints() {
    JsonNode services = compose.get("services");
    JsonNode learner = services.get("learner").get("environment");
    assertEquals("0.0.0.0", learner.get(Settings.environmentName(LearnerHttpConfig.HOST)).asText(),
        "the learner's endpoints are reachable from the other containers");
    Map<String, String> ports = Map.of(
        "learner", learner.get(Settings.environmentName(LearnerHttpConfig.PORT)).asText(),
        "serve", services.get("serve").get("environment").get("BATCHWISE_SERVE_PORT").asText());
    ports.forEach((name, port) -> {
      JsonNode check = services.get(name).get("healthcheck");
      assertNotNull(check, name + " has a health check");
      List<String> test = new java.util.ArrayList<>();
      check.get("test").forEach(word -> test.add(word.asText()));
      assertEquals(List.of("CMD", "curl", "-fsS", "-o", "/dev/null", "http://localhost:" + port + "/readyz"), test,
          name + " is healthy when its /readyz answers 200 (curl -f fails on any other status)");
      assertTrue(check.has("start_period") && check.has("interval"), name);
    });
  }

  /** An optional Prometheus, under the profile "monitoring", scrapes /metrics of the learner and of serve. */
  @Test
  void prometheusScrapesTheLearnerAndServeBehindAProfile() throws Exception {
    JsonNode services = compose.get("services");
    JsonNode prometheus = services.get("prometheus");
    assertNotNull(prometheus, "a prometheus service");
    assertTrue(prometheus.get("image").asText().startsWith("prom/prometheus:v"), "a pinned Prometheus image");
    assertEquals("monitoring", prometheus.get("profiles").get(0).asText(), "off unless --profile monitoring");
    for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> service = it.next();
      if (!service.getKey().equals("prometheus")) {
        assertFalse(service.getValue().has("profiles"), service.getKey() + " runs without a profile");
        assertFalse(service.getValue().path("depends_on").has("prometheus"), service.getKey());
      }
    }
    String mount = prometheus.get("volumes").get(0).asText();
    String[] parts = mount.split(":");
    assertEquals("/etc/prometheus/prometheus.yml", parts[1]);
    assertTrue(prometheus.get("command").toString().contains("--config.file=" + parts[1]));
    JsonNode scrape = YAML.readTree(root.resolve(parts[0]).toFile()).get("scrape_configs");
    Set<String> targets = new HashSet<>();
    scrape.forEach(job -> {
      assertEquals("/metrics", job.path("metrics_path").asText("/metrics"), job.toString());
      job.get("static_configs").forEach(config -> config.get("targets").forEach(t -> targets.add(t.asText())));
    });
    assertEquals(Set.of(
        "learner:" + services.get("learner").get("environment").get(Settings.environmentName(LearnerHttpConfig.PORT))
            .asText(),
        "serve:" + services.get("serve").get("environment").get("BATCHWISE_SERVE_PORT").asText()), targets,
        "the learner and serve, on the ports they listen on");
  }

  @Test
  void theImageStartsTheAppsMainClassAsANonRootUser() throws Exception {
    Matcher entry = Pattern.compile("(?m)^ENTRYPOINT \\[(.*)]").matcher(dockerfile);
    assertTrue(entry.find(), "an exec-form ENTRYPOINT");
    List<String> args = List.of(entry.group(1).replace("\"", "").split(",\\s*"));
    assertEquals("java", args.get(0));
    String mainClass = args.get(args.size() - 1);
    assertEquals(Main.class.getName(), mainClass);
    assertNotNull(Class.forName(mainClass).getMethod("main", String[].class));
    String classpath = args.get(args.indexOf("-cp") + 1);
    assertTrue(dockerfile.contains("app/target/batchwise.jar") && classpath.contains("batchwise.jar")
        && classpath.contains("lib/*"), "the jar and its lib folder are copied where the classpath says");
    assertTrue(dockerfile.contains("OMP_NUM_THREADS=1"));
    assertTrue(dockerfile.contains("SERIALIZABLE_PACKAGES"));
    assertTrue(Pattern.compile("(?m)^USER (?!root)\\S+").matcher(dockerfile).find(), "runs as a non-root user");
    assertTrue(Pattern.compile("(?m)^FROM \\S*eclipse-temurin:17-jre").matcher(dockerfile).find(), "a Java 17 runtime image");
  }
}
