package io.batchwise.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What every benchmark's JSON says of its run, so that a table rendered from it names its command, date and machine. */
final class BenchRun {
  private BenchRun() {
  }

  /** {@code bench}: which benchmark; {@code command}: its command line; {@code date}; {@code machine}. */
  static Map<String, Object> describe(String bench, List<String> arguments) {
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("bench", bench);
    // picocli hands a subcommand the whole command line, its own name first
    List<String> rest = !arguments.isEmpty() && arguments.get(0).equals(bench) ? arguments.subList(1, arguments.size())
        : arguments;
    StringBuilder command = new StringBuilder("./batchwise bench ").append(bench);
    rest.forEach(a -> command.append(' ').append(shellWord(a)));
    run.put("command", command.toString());
    run.put("date", Instant.now().truncatedTo(ChronoUnit.MINUTES).toString());
    run.put("machine", machine());
    return run;
  }

  /** The argument as a shell reads it back: quoted where it holds anything but a plain word. */
  static String shellWord(String argument) {
    return argument.matches("[A-Za-z0-9_./:=,@%+-]+") ? argument : "'" + argument.replace("'", "'\\''") + "'";
  }

  static String machine() {
    String cpu = "unknown CPU";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse(cpu);
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux: keep the generic name
    }
    return String.format(Locale.ROOT, "%d cores (%s), Java %s, %s", Runtime.getRuntime().availableProcessors(), cpu,
        System.getProperty("java.version"), System.getProperty("os.name"));
  }
}
