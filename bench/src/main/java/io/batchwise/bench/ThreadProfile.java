package io.batchwise.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a Kafka Streams thread spends its time, from a Java Flight Recording of the JVM it runs in: every
 * execution sample (Java code) and native-method sample (ND4J's kernels, the network wait) of the thread,
 * each put in the category of the innermost batchwise method on its stack, or of Kafka's where there is
 * none. Sampling sees a thread while it runs or waits in native code, not while it is parked (the waits of
 * a transaction commit), so the shares are of the sampled time.
 */
final class ThreadProfile {
  /** batchwise methods (class simple name and method, or a class prefix) to their category, innermost wins. */
  private static final List<String[]> OURS = List.of(
      new String[] {"LearningLoop.rejectionReason", "validate"},
      new String[] {"LearningLoop.add", "buffer"},
      new String[] {"MicroBatch.add", "buffer"},
      new String[] {"EventDecoder.", "decode"},
      new String[] {"DecodedEvent.", "decode"},
      new String[] {"AvroSerde.deserialize", "decode"},
      new String[] {"io.batchwise.policy.", "policy decision"},
      new String[] {"io.batchwise.learner.model.", "model step"},
      new String[] {"io.batchwise.learner.nd4j.", "model step"},
      new String[] {"io.batchwise.learner.optim.", "model step"},
      new String[] {"io.batchwise.learner.loss.", "model step"},
      new String[] {"LearningLoop.checkpoint", "publish: checkpoint"},
      new String[] {"PackedArrays.", "publish: checkpoint"},
      new String[] {"LearningLoop.snapshot", "publish: snapshot"},
      new String[] {"SnapshotCodec.", "publish: snapshot"},
      new String[] {"LearningLoop.closeInterval", "publish: metrics summary"},
      new String[] {"LearnerProcessor.publish", "publish: store and send"},
      new String[] {"LearnerProcessor.deadLetter", "dead letters"},
      new String[] {"LearnerProcessor.restore", "read-back after restart"},
      new String[] {"LearningLoop.step", "learning loop (other)"},
      new String[] {"io.batchwise.", "processor (other)"});
  /** Kafka's own work, by the innermost matching frame. */
  private static final List<String[]> KAFKA = List.of(
      new String[] {"sun.nio.ch.EPoll", "waiting for records"},
      new String[] {"commit", "Kafka: commit and transactions"},
      new String[] {"Transaction", "Kafka: commit and transactions"},
      new String[] {"KafkaProducer", "Kafka: producing"},
      new String[] {"RecordCollector", "Kafka: producing"},
      new String[] {"Consumer", "Kafka: fetching records"},
      new String[] {"Fetch", "Kafka: fetching records"},
      new String[] {"org.apache.kafka.streams.", "Kafka Streams: record handling"});

  private final Map<String, Long> samples;
  private final long total;
  private final double compilingSeconds;

  private ThreadProfile(Map<String, Long> samples, double compilingSeconds) {
    this.samples = samples;
    this.total = samples.values().stream().mapToLong(Long::longValue).sum();
    this.compilingSeconds = compilingSeconds;
  }

  /** JVM options that record the execution samples every millisecond, and every JIT compilation, into {@code recording}. */
  static List<String> recordingOptions(Path recording) throws IOException {
    Path javaHome = Path.of(System.getProperty("java.home"));
    String settings = Files.readString(javaHome.resolve("lib/jfr/profile.jfc"), StandardCharsets.UTF_8);
    for (String event : List.of("jdk.ExecutionSample", "jdk.NativeMethodSample")) {
      settings = setting(settings, event, "period", "1 ms");
    }
    settings = setting(settings, "jdk.Compilation", "threshold", "0 ms");
    Path jfc = Files.createTempFile("batchwise-bench-", ".jfc");
    Files.writeString(jfc, settings, StandardCharsets.UTF_8);
    jfc.toFile().deleteOnExit();
    return List.of("-XX:StartFlightRecording=filename=" + recording + ",settings=" + jfc + ",dumponexit=true");
  }

  private static String setting(String settings, String event, String setting, String value) {
    Matcher m = Pattern.compile("(<event name=\"" + Pattern.quote(event) + "\">.*?<setting name=\"" + setting
        + "\"[^>]*>)[^<]*(</setting>)", Pattern.DOTALL).matcher(settings);
    return m.replaceFirst(r -> Matcher.quoteReplacement(r.group(1) + value + r.group(2)));
  }

  /** The samples of the threads whose whole name matches {@code thread} (a regular expression), by category. */
  static ThreadProfile read(Path recording, String thread) throws IOException {
    return read(recording, thread, Instant.MIN, Instant.MAX);
  }

  /**
   * As {@link #read(Path, String)}, of the samples taken from {@code from} to {@code to}, with the time the JVM's
   * compiler threads spent compiling meanwhile: on a machine with few cores the JIT compiler competes with the
   * stream thread while a JVM is young.
   */
  static ThreadProfile read(Path recording, String thread, Instant from, Instant to) throws IOException {
    Pattern name = Pattern.compile(thread);
    Map<String, Long> counts = new LinkedHashMap<>();
    long compilingNanos = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
      String type = event.getEventType().getName();
      if (type.equals("jdk.Compilation")) {
        Instant start = event.getStartTime().isAfter(from) ? event.getStartTime() : from;
        Instant end = event.getEndTime().isBefore(to) ? event.getEndTime() : to;
        compilingNanos += Math.max(0, Duration.between(start, end).toNanos());
        continue;
      }
      if (!type.equals("jdk.ExecutionSample") && !type.equals("jdk.NativeMethodSample")
          || event.getStartTime().isBefore(from) || event.getStartTime().isAfter(to)) {
        continue;
      }
      RecordedThread sampled = event.getThread("sampledThread");
      if (sampled == null || sampled.getJavaName() == null || !name.matcher(sampled.getJavaName()).matches()
          || event.getStackTrace() == null) {
        continue;
      }
      counts.merge(category(event.getStackTrace().getFrames()), 1L, Long::sum);
    }
    Map<String, Long> sorted = new LinkedHashMap<>();
    counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return new ThreadProfile(sorted, compilingNanos / 1e9);
  }

  private static String category(List<RecordedFrame> frames) {
    for (RecordedFrame frame : frames) {
      String className = frame.getMethod().getType().getName();
      if (className.startsWith("io.batchwise.")) {
        String simple = className.substring(className.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
        for (String[] rule : OURS) {
          if (simple.startsWith(rule[0]) || className.startsWith(rule[0])) {
            return rule[1];
          }
        }
      }
    }
    for (RecordedFrame frame : frames) {
      String name = frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
      for (String[] rule : KAFKA) {
        if (name.contains(rule[0])) {
          return rule[1];
        }
      }
    }
    return "other";
  }

  long total() {
    return total;
  }

  /** Seconds the JIT compiler threads spent compiling within the window read (all of them together). */
  double compilingSeconds() {
    return compilingSeconds;
  }

  /** Every category a sample can fall in, batchwise's first. */
  static List<String> categories() {
    Set<String> all = new LinkedHashSet<>();
    OURS.forEach(rule -> all.add(rule[1]));
    KAFKA.forEach(rule -> all.add(rule[1]));
    all.add("other");
    return List.copyOf(all);
  }

  /** Samples per category, most first. */
  Map<String, Long> samples() {
    return samples;
  }

  /** The share of the thread's samples in each category, most first. */
  Map<String, Double> shares() {
    Map<String, Double> shares = new LinkedHashMap<>();
    samples.forEach((category, n) -> shares.put(category, total == 0 ? 0.0 : (double) n / total));
    return shares;
  }
}
