package io.batchwise.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Java program the benchmarks run in a JVM of its own, with the settings the {@code batchwise} launcher
 * gives the app (one OpenMP thread, unbounded JavaCPP native memory, Avro's trusted packages), so that
 * every consumer measured (ours and Kafka's) runs as a user would run it, none sharing a heap with the
 * embedded broker.
 */
final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final Path log;

  private ChildJvm(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code mainClass} with {@code args}; its output goes to {@code log}.
   *
   * @param jvmOptions extra JVM options, e.g. a flight recording
   */
  static ChildJvm start(String mainClass, List<String> args, List<String> jvmOptions, Map<String, String> environment,
      Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + System.getProperty("batchwise.bench.child.heap", "2g"));
    command.add("-Dorg.bytedeco.javacpp.maxPhysicalBytes=0");
    command.add("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=java.lang,java.math,java.io,java.net,org.apache.avro.util,io.batchwise");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("OMP_NUM_THREADS", "1");
    builder.environment().putAll(environment);
    File file = log.toFile();
    builder.redirectErrorStream(true).redirectOutput(file);
    return new ChildJvm(builder.start(), log);
  }

  /** Waits until the program's output has a match of {@code pattern}; returns its first group. */
  String awaitLine(String pattern, Duration timeout) throws IOException, InterruptedException {
    Pattern wanted = Pattern.compile(pattern);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && process.isAlive()) {
      Matcher m = wanted.matcher(Files.exists(log) ? Files.readString(log) : "");
      if (m.find()) {
        return m.group(1);
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("never printed '" + pattern + "'; see " + log);
  }

  boolean alive() {
    return process.isAlive();
  }

  /** The process id, to read its resources in /proc. */
  long pid() {
    return process.pid();
  }

  /** Waits for the program to end by itself; returns its exit code. */
  int await(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("a child JVM did not finish in " + seconds + " s");
    }
    return process.exitValue();
  }

  /** Asks the program to stop (SIGTERM: shutdown hooks run, a flight recording is written) and waits. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
