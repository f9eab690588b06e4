package io.batchwise.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.batchwise.app.Main;
import picocli.CommandLine;

class SoakBenchTest {
  @Test
  void fitsGrowthPerHourByLeastSquares() {
    Growth g = Growth.fit(new double[] {0, 1800, 3600, 5400}, new double[] {101, 104, 111, 114});
    assertEquals(9.2, g.perHour(), 1e-9);
    assertEquals(100.6, g.start(), 1e-9);
    assertEquals(4, g.samples());
    assertEquals(100 * 9.2 / 100.6, g.percentPerHour(), 1e-9);
    assertEquals(0.0, Growth.fit(new double[] {0, 10, 20}, new double[] {5, 5, 5}).perHour());
  }

  @Test
  void readsAProcesssResourcesFromProc() throws Exception {
    ProcessResources own = ProcessResources.of(ProcessHandle.current().pid());
    assertTrue(own.rssBytes() > 1 << 20 && own.fileDescriptors() > 2 && own.threads() > 1, own.toString());
  }

  /** A short soak, the whole deployment in its own JVMs on an embedded broker: exact counts and every figure. */
  @Test
  void aShortSoakCountsExactlyAndFitsEveryResource() throws Exception {
    Path json = java.nio.file.Files.createDirectories(Path.of("target", "soak-test")).resolve("soak.json");
    int code = Main.execute(new CommandLine(new BenchCommand()), "soak", "--minutes", "0.6", "--warmup-minutes", "0.2",
        "--rate", "300", "--models", "2", "--learners", "1", "--partitions", "1", "--predict-rate", "5",
        "--sample-seconds", "2", "--invalid-every", "50", "--heap", "512m", "--json", json.toString());
    assertEquals(0, code, "the counts are exact");
    JsonNode results = new ObjectMapper().readTree(json.toFile());
    JsonNode models = results.get("counts").get("models");
    assertEquals(2, models.size());
    models.forEach(m -> {
      assertEquals(m.get("validSent").asLong(), m.get("examplesSeen").asLong());
      assertEquals(m.get("invalidSent").asLong(), m.get("deadLetters").asLong());
      assertTrue(m.get("invalidSent").asLong() > 0, "some invalid events were sent");
    });
    assertTrue(results.get("counts").get("serveAnswersTheLatestVersions").asBoolean());
    for (String process : new String[] {"learner-1", "serve"}) {
      JsonNode p = results.get("processes").get(process);
      assertTrue(p.get("rssBytes").get("afterWarmup").asDouble() > 1 << 20, process);
      assertTrue(p.get("threads").get("atEnd").asDouble() > 1, process);
      assertTrue(p.get("fileDescriptors").has("percentPerHour"), process);
    }
    assertTrue(results.get("disk").get("events.topic").get("bytesPerHour").asDouble() > 0);
    assertTrue(results.get("targets").has("metricsTopicGrowthShareOfEvents"));
    assertTrue(results.get("serve").get("requests").asLong() > 0);
    assertEquals(0, results.get("serve").get("errors").asLong(), results.get("serve").toString());
    assertTrue(results.get("samples").size() >= 10, "a sample every 2 s for 36 s");
  }
}
