package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

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
    Path report = dir.resolve("report");
    assertEquals(0, Main.run("demo", "--events", "3000", "--summary-json", summary.toString(), "--report",
        report.toString(), "--compare", "fixed:32"));
    JsonNode runs = new ObjectMapper().readTree(summary.toFile());
    assertEquals(2, runs.size(), "the run and its comparison");
    assertEquals("fixed:32", runs.get(1).get("batchingPolicy").asText());
    assertEquals(3000, runs.get(1).get("examplesSeen").asLong());
    JsonNode s = runs.get(0);
    assertEquals(3000, s.get("events").asLong());
    assertEquals(3000, s.get("examplesSeen").asLong());
    assertTrue(s.get("snapshotVersion").asLong() >= 1);
    assertTrue(s.get("prequentialLogLoss").asDouble() < 0.69, "better than chance on a learnable stream");
    for (String field : new String[] {"accuracy", "wallSeconds", "eventsPerSecond"}) {
      assertTrue(s.get(field).isNumber(), field);
    }
    String html = Files.readString(report.resolve("index.html"));
    assertTrue(html.startsWith("<!DOCTYPE html>") && html.strip().endsWith("</html>"));
    assertTrue(html.contains(">goodput</abbr>") && html.contains(">fixed:32</abbr>"), "both runs side by side");
    for (String chart : List.of("loss.png", "batch-size.png", "learning-rate.png", "throughput.png", "noise-scale.png")) {
      assertTrue(html.contains("src=\"" + chart + "\""), chart);
      BufferedImage image = ImageIO.read(report.resolve(chart).toFile());
      assertTrue(image != null && image.getWidth() > 100 && image.getHeight() > 100, chart + " is a PNG image");
    }
    for (int run = 1; run <= 2; run++) {
      List<String> rows = Files.readAllLines(report.resolve("metrics-" + run + ".csv"));
      assertTrue(html.contains("href=\"metrics-" + run + ".csv\""));
      List<String> header = List.of(rows.get(0).split(","));
      assertTrue(header.containsAll(List.of("version", "examples", "batchSizeMin", "batchSizeMax", "learningRate",
          "lossSum", "weightSum", "arrivalRate", "lag", "nextBatchSize")));
      long examples = 0;
      double lossSum = 0;
      double weightSum = 0;
      for (String row : rows.subList(1, rows.size())) {
        String[] cells = row.split(",", -1);
        assertEquals(header.size(), cells.length, row);
        examples += Long.parseLong(cells[header.indexOf("examples")]);
        lossSum += Double.parseDouble(cells[header.indexOf("lossSum")]);
        weightSum += Double.parseDouble(cells[header.indexOf("weightSum")]);
      }
      assertEquals(3000, examples, "the summaries of run " + run + " add up to every event");
      assertEquals(runs.get(run - 1).get("prequentialLogLoss").asDouble(), lossSum / weightSum, 1e-9,
          "the summaries' loss is the snapshot's");
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
      assertEquals(2, Main.run("learn", "--bootstrap", "127.0.0.1:1", "--sync-period", "0"));
    } finally {
      System.setErr(err);
    }
    String[] lines = captured.toString(StandardCharsets.UTF_8).strip().split("\n");
    assertEquals(4, lines.length, captured.toString(StandardCharsets.UTF_8));
    assertTrue(lines[0].contains("--no-such-flag"));
    assertTrue(lines[1].contains("missing.csv"));
    assertTrue(lines[2].contains("nonsense"));
    assertTrue(lines[3].contains("sync period must be 'adaptive' or a number of updates of at least 1, got '0'"), lines[3]);
  }
}
