package io.batchwise.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Replaces one {@code ## Title} section of a markdown file, leaving every other section as it was. */
public final class BenchmarksSection {
  private BenchmarksSection() {
  }

  /** Writes {@code body} (which starts with the heading line) in place of the section with that heading. */
  public static void replace(Path file, String heading, String body) throws IOException {
    String text = Files.exists(file) ? Files.readString(file) : "# Benchmarks\n";
    String section = body.endsWith("\n") ? body : body + "\n";
    int start = text.startsWith(heading + "\n") ? 0 : text.indexOf("\n" + heading + "\n");
    String updated;
    if (start < 0) {
      updated = text + (text.endsWith("\n") ? "\n" : "\n\n") + section;
    } else {
      int from = start == 0 ? 0 : start + 1;
      int end = text.indexOf("\n## ", from + heading.length());
      updated = text.substring(0, from) + section + (end < 0 ? "" : "\n" + text.substring(end + 1));
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, updated);
  }
}
