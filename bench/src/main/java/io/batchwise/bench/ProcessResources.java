package io.batchwise.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What a process holds at one moment, read from Linux's {@code /proc}: resident memory, open files, threads. */
record ProcessResources(long rssBytes, long fileDescriptors, long threads) {
  /**
   * Reads {@code /proc/<pid>/status} and {@code /proc/<pid>/fd}.
   *
   * @throws IOException when the process is gone or there is no {@code /proc} (not Linux)
   */
  static ProcessResources of(long pid) throws IOException {
    Path proc = Path.of("/proc", Long.toString(pid));
    long rss = -1;
    long threads = -1;
    try {
      for (String line : Files.readAllLines(proc.resolve("status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = kibibytes(line) * 1024;
        } else if (line.startsWith("Threads:")) {
          threads = Long.parseLong(line.substring("Threads:".length()).strip());
        }
      }
      try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
        return new ProcessResources(rss, fds.count(), threads);
      }
    } catch (NoSuchFileException e) {
      throw new IOException("no process " + pid + " in /proc (gone, or not Linux)", e);
    }
  }

  /** The value of a status line such as {@code VmRSS:   123456 kB}. */
  private static long kibibytes(String line) {
    String[] words = line.split("\\s+");
    return Long.parseLong(words[1]);
  }
}
