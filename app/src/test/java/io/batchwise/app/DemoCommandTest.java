package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The main job, as a user runs it: embedded broker, synthetic stream, summary file. */
class DemoCommandTest {
  @TempDir
  Path dir;

  @Test
  void demoLearnsEveryEventAndWritesItsSummary() throws Exception {
    Path summary = dir.resolve("s.json");
    assertEquals(0, Main.run("demo", "--events", "3000", "--summary-json", summary.toString()));
    JsonNode s = new ObjectMapper().readTree(summary.toFile());
    assertEquals(3000, s.get("events").asLong());
    assertEquals(3000, s.get("examplesSeen").asLong());
    assertTrue(s.get("snapshotVersion").asLong() >= 1);
    assertTrue(s.get("prequentialLogLoss").asDouble() < 0.69, "better than chance on a learnable stream");
    for (String field : new String[] {"accuracy", "wallSeconds", "eventsPerSecond"}) {
      assertTrue(s.get(field).isNumber(), field);
    }
  }

  @Test
  void wrongUsageIsOneLineAndExitCodeTwo() {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      assertEquals(2, Main.run("demo", "--no-such-flag"));
      assertEquals(2, Main.run("demo", "--data", dir.resolve("missing.csv").toString()));
      assertEquals(2, Main.run("learn", "--bootstrap", "127.0.0.1:1", "--batch", "nonsense"));
    } finally {
      System.setErr(err);
    }
    String[] lines = captured.toString(StandardCharsets.UTF_8).strip().split("\n");
    assertEquals(3, lines.length, captured.toString(StandardCharsets.UTF_8));
    assertTrue(lines[0].contains("--no-such-flag"));
    assertTrue(lines[1].contains("missing.csv"));
    assertTrue(lines[2].contains("nonsense"));
  }
}
