package io.batchwise.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the workspace's shared data (never copied into the repo) by walking up from the working directory. */
final class SharedData {
  private SharedData() {
  }

  static Optional<Path> file(String name) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("data").resolve(name);
      if (Files.isReadable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
