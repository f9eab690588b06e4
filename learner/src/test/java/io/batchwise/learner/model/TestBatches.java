package io.batchwise.learner.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/** Synthetic batches and the elec stream for the model tests. */
public final class TestBatches {
  private TestBatches() {
  }

  /** Random features ~ N(mean_j, scale_j) with a per-feature offset and scale, so standardization matters. */
  public static double[] features(Random rnd, int d) {
    double[] x = new double[d];
    for (int j = 0; j < d; j++) {
      x[j] = 0.5 * j + (1 + 0.3 * j) * rnd.nextGaussian();
    }
    return x;
  }

  /** A batch with labels from {@code label} and random weights in [0.5, 1.5) when {@code weighted}. */
  public static MicroBatch batch(Random rnd, int n, int d, java.util.function.ToDoubleFunction<double[]> label,
      boolean weighted) {
    MicroBatch b = new MicroBatch(d, n);
    for (int i = 0; i < n; i++) {
      double[] x = features(rnd, d);
      b.add(x, label.applyAsDouble(x), weighted ? 0.5 + rnd.nextDouble() : 1.0);
    }
    return b;
  }

  /** A one-row batch holding row i of {@code b} with its label and weight. */
  public static MicroBatch row(MicroBatch b, int i) {
    int d = b.featureCount();
    double[] x = new double[d];
    System.arraycopy(b.features(), i * d, x, 0, d);
    MicroBatch one = new MicroBatch(d, 1);
    one.add(x, b.labels()[i], b.weights()[i]);
    return one;
  }

  /** ../shared/data/elec.csv found by walking up from the working directory. */
  public static Optional<Path> elec() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("shared/data/elec.csv");
      if (Files.isRegularFile(candidate)) {
        return Optional.of(candidate);
      }
      dir = dir.getParent();
    }
    return Optional.empty();
  }

  /** Rows of elec as {feat_1..feat_6, target}. */
  public static List<double[]> readElec(Path file) throws IOException {
    List<double[]> rows = new ArrayList<>();
    List<String> lines = Files.readAllLines(file);
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] parts = line.split(",");
      double[] r = new double[parts.length];
      for (int j = 0; j < parts.length; j++) {
        r[j] = Double.parseDouble(parts[j]);
      }
      rows.add(r);
    }
    return rows;
  }
}
