package io.batchwise.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A stream held in memory, features row-major. */
public record DenseStream(int featureCount, double[] featureRows, double[] labels) implements BenchStream {

  /** Reads a CSV with a header, numeric feature columns, and the label in the last column (as elec.csv). */
  public static DenseStream readCsv(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    int d = lines.get(0).split(",").length - 1;
    int n = lines.size() - 1;
    double[] x = new double[n * d];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      String[] cells = lines.get(i + 1).split(",");
      for (int j = 0; j < d; j++) {
        x[i * d + j] = Double.parseDouble(cells[j]);
      }
      y[i] = Double.parseDouble(cells[d]);
    }
    return new DenseStream(d, x, y);
  }

  @Override
  public int size() {
    return labels.length;
  }

  @Override
  public void features(int index, double[] row) {
    System.arraycopy(featureRows, index * featureCount, row, 0, featureCount);
  }

  @Override
  public double label(int index) {
    return labels[index];
  }
}
