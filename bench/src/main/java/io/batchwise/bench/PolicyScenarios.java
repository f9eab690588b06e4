package io.batchwise.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The workloads of the policy benchmarks, the virtual clock's and the real pipeline's alike. Each rate and
 * target is fixed here so every run measures the same thing; a synthetic stream's seed is the scenario's plus
 * the run's number. The targets were set once, from the loss curves, so that the best fixed size needs a few
 * thousand examples to reach them (beyond the loss window, below the first easy stretch of each stream).
 */
final class PolicyScenarios {
  private final Path elecCsv;
  private BenchStream elec;

  /** @param elecCsv elec.csv, or null to look for shared/data/elec.csv above the working directory */
  PolicyScenarios(Path elecCsv) {
    this.elecCsv = elecCsv;
  }

  List<PolicyScenario> all() {
    return List.of(
        new PolicyScenario("elec", "NSW electricity (45,312 events, 6 features, real concept drift), logistic regression",
            "logistic", r -> elec(), 100_000, 0.30),
        new PolicyScenario("drift", "synthetic drifting hyperplane (200,000 events, 10 features, gradual and abrupt drift), logistic regression",
            "logistic", r -> ScenarioStreams.drifting(200_000, 10, 20_000, 17 + r), 100_000, 0.41),
        new PolicyScenario("noisy", "synthetic high-noise stream (200,000 events, 10 features, logit norm 1, 10% labels flipped), logistic regression",
            "logistic", r -> ScenarioStreams.highNoise(200_000, 10, 1.0, 0.1, 23 + r), 100_000, 0.638),
        new PolicyScenario("mlp", "synthetic 784-dimensional image-like task (12,000 events), MLP 128-64 (Adam 0.001)",
            "mlp:128,64", r -> ScenarioStreams.imageLike(12_000, 29 + r), 10_000, 0.55));
  }

  PolicyScenario named(String name) {
    return all().stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown scenario '" + name + "' (known: elec, drift, noisy, mlp)"));
  }

  /** Read once: every run learns the one recorded stream. */
  private synchronized BenchStream elec() {
    if (elec == null) {
      Path file = elecCsv != null ? elecCsv : findElec();
      if (file == null) {
        throw new IllegalStateException("shared/data/elec.csv not found above " + Path.of("").toAbsolutePath() + "; pass --data");
      }
      try {
        elec = DenseStream.readCsv(file);
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
      }
    }
    return elec;
  }

  private static Path findElec() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared/data/elec.csv");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
