package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.batchwise.client.SnapshotFollower;
import io.batchwise.learner.stream.LearnerConfig;
import io.batchwise.schemas.ModelSnapshot;

/**
 * Every command against a broker secured as production brokers are: SASL_SSL with SCRAM-SHA-512, the
 * StandardAuthorizer, and only the ACLs docs/OPERATIONS.md lists. The client security keys come from the usual
 * properties file or the environment; a wrong password, an untrusted certificate and each missing ACL give one
 * line naming the problem.
 */
class SecuredBrokerTest {
  @RegisterExtension
  static final SecuredKafkaBroker KAFKA = new SecuredKafkaBroker();
  private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

  private static List<DocumentedAcls.Command> documented;

  @BeforeAll
  static void grantTheDocumentedAcls() throws Exception {
    documented = DocumentedAcls.read();
    KAFKA.setAcls(DocumentedAcls.all(documented));
  }

  private static String config(String user) {
    return KAFKA.propertiesFile(user).toString();
  }

  @Test
  void everyCommandWorksWithOnlyTheDocumentedAcls() throws Exception {
    Path work = Files.createDirectories(Path.of("target", "secured-broker-test")).toAbsolutePath();
    CommandRun topics = CommandRun.inProcess("topics", "--config", config("topics"));
    assertEquals(0, topics.exitCode(), topics.err());

    CommandRun ingest = CommandRun.inProcess("ingest", "--config", config("ingest"), "--synthetic",
        "separable:d=3,n=3000", "--model", "secured");
    assertEquals(0, ingest.exitCode(), ingest.err());
    assertTrue(ingest.out().contains("published 3,000 events"), ingest.out());

    // the learner's security settings come from the environment only, as in a container
    Path learnerLog = work.resolve("learner.log");
    Process learner = CommandRun.start(KAFKA.environment("learner"), learnerLog, "learn",
        "--state-dir", Files.createTempDirectory(work, "state-").toString());
    Process serve = null;
    try {
      assertEquals(3000, awaitExamples("secured", 3000), () -> "learner stderr: " + CommandRun.errOf(learnerLog));

      CommandRun snapshots = CommandRun.inProcess("snapshots", "--config", config("serve"), "--json");
      assertEquals(0, snapshots.exitCode(), snapshots.err());
      assertTrue(snapshots.out().contains("\"secured\""), snapshots.out());

      CommandRun score = CommandRun.inChildJvm(Map.of(), "0.1,0.2,0.3\n", COMMAND_TIMEOUT, "score", "--config",
          config("serve"), "--model", "secured");
      assertEquals(0, score.exitCode(), score.err());
      assertTrue(score.out().contains("\"model\":\"secured\""), score.out());

      Path serveLog = work.resolve("serve.log");
      serve = CommandRun.start(Map.of(), serveLog, "serve", "--config", config("serve"), "--host", "127.0.0.1",
          "--port", "0");
      String address = servingAddress(serve, serveLog);
      awaitReady(address);  // it answers before it has read the snapshots topic to its end, then 503
      String models = httpGet(address + "/models");
      assertTrue(models.contains("\"secured\""), models);
    } finally {
      stop(learner);
      if (serve != null) {
        stop(serve);
      }
    }

    CommandRun demo = CommandRun.inChildJvm(Map.of(), "", Duration.ofMinutes(4), "demo", "--bootstrap",
        KAFKA.bootstrapServers(), "--config", config("demo"), "--events", "2000", "--no-report");
    assertEquals(0, demo.exitCode(), demo.err());
    assertTrue(demo.out().contains("\"events\" : 2000"), demo.out());
  }

  @Test
  void aWrongPasswordIsOneLineNamingTheAuthenticationFailureWithoutRetries() throws Exception {
    String wrong = KAFKA.propertiesFile(KAFKA.clientSettings("learner", "not-the-password")).toString();
    List<String[]> commands = List.of(
        new String[] {"topics", "--config", wrong},
        new String[] {"learn", "--config", wrong},
        new String[] {"ingest", "--config", wrong, "--synthetic", "separable:n=10"},
        new String[] {"serve", "--config", wrong, "--port", "0"},
        new String[] {"score", "--config", wrong, "--model", "secured"},
        new String[] {"snapshots", "--config", wrong},
        new String[] {"demo", "--bootstrap", KAFKA.bootstrapServers(), "--config", wrong, "--no-report"});
    double refusedBefore = SecuredKafkaBroker.failedAuthentications();
    List<Future<CommandRun>> runs = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(commands.size());
    try {
      for (String[] args : commands) {
        runs.add(pool.submit(() -> CommandRun.inChildJvm(Map.of(), "", COMMAND_TIMEOUT, args)));
      }
      for (int i = 0; i < commands.size(); i++) {
        String command = commands.get(i)[0];
        CommandRun run = runs.get(i).get();
        assertEquals(1, run.exitCode(), command + ": " + run.err());
        String line = run.errorLine();
        assertTrue(line.startsWith("batchwise " + command + ": ") && line.contains("Authentication failed")
            && line.contains("invalid credentials"), line);
      }
    } finally {
      pool.shutdownNow();
    }
    // one refused login per command (a second one at most, should the client have raced): no retry storm
    double refused = SecuredKafkaBroker.failedAuthentications() - refusedBefore;
    assertTrue(refused >= commands.size() && refused <= 2 * commands.size(),
        commands.size() + " commands tried to log in " + refused + " times");
  }

  @Test
  void aCertificateTheTruststoreDoesNotTrustIsOneLine() throws Exception {
    Path otherCa = Files.createTempDirectory(Path.of("target"), "other-ca-");
    TestCertificates strangers = TestCertificates.create(otherCa);
    Map<String, Object> settings = KAFKA.clientSettings("serve");
    settings.put("ssl.truststore.location", strangers.truststore().toString());
    Path config = KAFKA.propertiesFile(settings);
    CommandRun run = CommandRun.inChildJvm(Map.of(), "", COMMAND_TIMEOUT, "snapshots", "--config", config.toString());
    assertEquals(1, run.exitCode(), run.err());
    assertTrue(run.errorLine().contains("SSL handshake failed"), run.errorLine());
  }

  /**
   * Each documented kafka-acls command taken away in turn: the command that needs it fails before it starts, with
   * one line naming each resource of the command and an operation on it.
   */
  @Test
  void eachMissingAclIsOneLineNamingTheResourceAndTheOperation() throws Exception {
    assertEquals(0, CommandRun.inProcess("topics", "--config", config("topics")).exitCode());
    Path state = Files.createDirectories(Path.of("target", "secured-broker-test")).toAbsolutePath();
    List<AclBinding> all = DocumentedAcls.all(documented);
    try {
      for (DocumentedAcls.Command taken : documented) {
        List<AclBinding> rest = new ArrayList<>(all);
        rest.removeAll(taken.bindings());
        KAFKA.setAcls(rest);
        for (String[] args : commandsOf(taken.user(), state)) {
          CommandRun run = assertTimeoutPreemptively(COMMAND_TIMEOUT, () -> CommandRun.inProcess(args),
              () -> args[0] + " started without " + taken.bindings());
          assertEquals(1, run.exitCode(), args[0] + " without " + taken.bindings() + ": " + run.err());
          String line = run.errorLine();
          assertTrue(line.startsWith("batchwise " + args[0] + ": not authorized: missing ACL"), line);
          for (AclBinding binding : taken.bindings()) {
            assertTrue(namesAnOperationOn(line, binding.pattern(), taken), args[0] + ": " + line
                + " does not name " + binding.pattern());
          }
        }
      }
    } finally {
      KAFKA.setAcls(all);
    }
  }

  /** The commands that run as {@code user} in docs/OPERATIONS.md. */
  private static List<String[]> commandsOf(String user, Path state) {
    String config = config(user);
    return switch (user) {
      case "topics" -> List.<String[]>of(new String[] {"topics", "--config", config});
      case "learner" -> List.<String[]>of(new String[] {"learn", "--config", config, "--state-dir", state.toString()});
      case "ingest" -> List.<String[]>of(new String[] {"ingest", "--config", config, "--synthetic", "separable:n=10"});
      case "serve" -> List.of(new String[] {"serve", "--config", config, "--port", "0"},
          new String[] {"score", "--config", config, "--model", "secured"},
          new String[] {"snapshots", "--config", config});
      case "demo" -> List.<String[]>of(new String[] {"demo", "--bootstrap", KAFKA.bootstrapServers(), "--config",
          config, "--events", "100", "--no-report"});
      default -> throw new IllegalArgumentException("no command runs as " + user);
    };
  }

  /** Whether {@code line} names one of the taken operations on {@code resource} (a prefixed group by its prefix). */
  private static boolean namesAnOperationOn(String line, ResourcePattern resource, DocumentedAcls.Command taken) {
    String type = resource.resourceType().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    String named = resource.patternType() == PatternType.PREFIXED && resource.resourceType() != ResourceType.GROUP
        ? type + "s prefixed " + resource.name() : type + " " + resource.name();
    return taken.bindings().stream().filter(b -> b.pattern().equals(resource))
        .anyMatch(b -> Pattern.compile("\\b" + b.entry().operation().name() + "(, [A-Z_]+)* on "
            + Pattern.quote(named) + "(\\b|;| \\()").matcher(line).find());
  }

  private static long awaitExamples(String model, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    long seen = 0;
    while (System.nanoTime() < deadline && seen < expected) {
      Thread.sleep(1000);
      ModelSnapshot latest = new SnapshotFollower(KAFKA.clientSettings(SecuredKafkaBroker.ADMIN),
          new LearnerConfig(Map.of()).snapshotsTopic()).readToEnd(Duration.ofSeconds(30)).get(model);
      seen = latest == null ? 0 : latest.getExamplesSeen();
    }
    return seen;
  }

  private static String servingAddress(Process serve, Path log) throws Exception {
    Pattern serving = Pattern.compile("serving (http://\\S+)/models");
    long deadline = System.nanoTime() + COMMAND_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline && serve.isAlive()) {
      Matcher m = serving.matcher(Files.readString(log));
      if (m.find()) {
        return m.group(1);
      }
      Thread.sleep(200);
    }
    throw new AssertionError("serve did not start: " + CommandRun.errOf(log));
  }

  private static void awaitReady(String address) throws Exception {
    long deadline = System.nanoTime() + COMMAND_TIMEOUT.toNanos();
    while (HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(address + "/readyz")).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
      assertTrue(System.nanoTime() < deadline, "serve got ready within " + COMMAND_TIMEOUT);
      Thread.sleep(200);
    }
  }

  private static String httpGet(String url) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return response.body();
  }

  private static void stop(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
