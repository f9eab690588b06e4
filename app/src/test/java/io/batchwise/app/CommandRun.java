package io.batchwise.app;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A batchwise command as a user runs it: its exit code and what it printed. */
record CommandRun(int exitCode, String out, String err) {
  /** Runs in this JVM, capturing System.out and System.err (for commands that return on their own). */
  static synchronized CommandRun inProcess(String... args) {
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new CommandRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
  }

  /**
   * Starts the command in a child JVM with the application's own logging configuration (warnings of Kafka's
   * clients hidden, as for a user), {@code environment} added to this one's; its output goes to {@code log}.
   */
  static Process start(Map<String, String> environment, Path log, String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String logging = Path.of(toUri(Main.class.getResource("/log4j2.xml"))).toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-Dlog4j2.configurationFile=" + logging,
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("OMP_NUM_THREADS", "1");
    builder.environment().putAll(environment);
    File errFile = Path.of(log + ".err").toFile();
    builder.redirectOutput(log.toFile()).redirectError(errFile);
    return builder.start();
  }

  /** Runs the command in a child JVM to its end, {@code input} on its stdin. */
  static CommandRun inChildJvm(Map<String, String> environment, String input, Duration timeout, String... args)
      throws Exception {
    Path log = Files.createTempFile(Files.createDirectories(Path.of("target", "command-runs")), args[0] + "-", ".out");
    Process process = start(environment, log, args);
    try (var stdin = process.getOutputStream()) {
      stdin.write(input.getBytes(StandardCharsets.UTF_8));
    }
    if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(args[0] + " did not end within " + timeout + "; stderr: " + errOf(log));
    }
    return new CommandRun(process.exitValue(), Files.readString(log), errOf(log));
  }

  /** What a command started with {@link #start} has printed on stderr so far. */
  static String errOf(Path log) {
    try {
      return Files.readString(Path.of(log + ".err"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static java.net.URI toUri(java.net.URL url) {
    try {
      return url.toURI();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The one line the command printed on stderr; fails unless there is exactly one. */
  String errorLine() {
    String text = err.strip();
    if (text.lines().count() != 1) {
      throw new AssertionError("expected one line on stderr, got:\n" + text);
    }
    return text;
  }
}
