package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.images.builder.ImageFromDockerfile;

/** Builds the app's image from the Dockerfile and runs it; skipped where no Docker engine runs. */
@DockerEngine
class DockerImageTest {
  @Test
  void theImageRunsTheCommandLine() {
    Path root = Path.of("").toAbsolutePath();
    while (!Files.exists(root.resolve("Dockerfile"))) {
      root = root.getParent();
    }
    try (GenericContainer<?> app = new GenericContainer<>(new ImageFromDockerfile("batchwise-test", false)
        .withFileFromPath(".", root))
        .withCommand("--help")
        .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofMinutes(15)))) {
      app.start();
      assertTrue(app.getLogs().contains("Usage: batchwise"), app.getLogs());
    }
  }
}
