package io.batchwise.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.batchwise.app.Settings;

class ServeConfigTest {
  @TempDir
  Path dir;

  private static ServeConfig layered(Path file, Map<String, String> environment, Map<String, Object> flags) {
    return new ServeConfig(Settings.layered(file, environment, flags));
  }

  @Test
  void defaultsListenOnLoopbackWithoutAToken() {
    ServeConfig config = layered(null, Map.of(), Map.of());
    assertEquals("127.0.0.1", config.host());
    assertEquals(8080, config.port());
    assertEquals(1 << 20, config.maxBodyBytes());
    assertEquals(1000, config.maxInstances());
    assertEquals(Optional.empty(), config.token());
    assertEquals(Optional.empty(), config.tlsKeystore());
  }

  @Test
  void fileThenEnvironmentThenFlags() throws Exception {
    Path file = Files.writeString(dir.resolve("serve.properties"), "serve.port=9000\nserve.host=0.0.0.0\n"
        + "serve.max.instances=10\n");
    Map<String, Object> flags = new HashMap<>();
    flags.put(ServeConfig.MAX_INSTANCES, 20);
    flags.put(ServeConfig.HOST, null);
    ServeConfig config = layered(file, Map.of("BATCHWISE_SERVE_PORT", "9001", "BATCHWISE_SERVE_TOKEN", " s3cret "),
        flags);
    assertEquals("0.0.0.0", config.host());
    assertEquals(9001, config.port());
    assertEquals(20, config.maxInstances());
    assertEquals(Optional.of("s3cret"), config.token());
  }

  @Test
  void aTokenFileWinsAndMustHoldAToken() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "from-file\nsecond line\n");
    assertEquals(Optional.of("from-file"), layered(null, Map.of("BATCHWISE_SERVE_TOKEN", "from-env"),
        Map.of(ServeConfig.TOKEN_FILE, token.toString())).token());
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    assertEquals("serve.token.file: " + empty + " holds no token", assertThrows(IllegalArgumentException.class,
        () -> layered(null, Map.of(), Map.of(ServeConfig.TOKEN_FILE, empty.toString())).token()).getMessage());
    Path missing = dir.resolve("missing");
    assertEquals("serve.token.file: no such file " + missing, assertThrows(IllegalArgumentException.class,
        () -> layered(null, Map.of(), Map.of(ServeConfig.TOKEN_FILE, missing.toString())).token()).getMessage());
  }
}
