package io.batchwise.learner.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The accuracy target: on elec in stream order, test-then-train with the default settings
 * ({@code ModelFactory.create("logistic", 6)}, learning-rate multiplier 1), prequential log loss
 * at most 0.40 one example at a time (scikit-learn's SGDClassifier gets 0.416 there; 0.319 measured,
 * a tuned Vowpal Wabbit 0.321). Larger micro-batches score each example with weights up to B - 1
 * examples old and take one step per batch, which on this drifting stream costs log loss (0.424 at
 * B = 8, 0.469 at B = 32 measured); those are guarded against regressions.
 * Skipped without the file.
 */
class ElecPrequentialTest {

  static double[] prequential(List<double[]> rows, OnlineModel model, int batchSize) {
    int d = model.featureCount();
    MicroBatch batch = new MicroBatch(d, batchSize);
    double[] x = new double[d];
    double loss = 0;
    double correct = 0;
    double weight = 0;
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(rows.get(i), 0, x, 0, d);
      batch.add(x, rows.get(i)[d], 1.0);
      if (batch.size() == batchSize || i == rows.size() - 1) {
        StepResult r = model.learn(batch, 1.0);
        loss += r.lossSum();
        correct += r.correctSum();
        weight += r.weightSum();
        batch.clear();
      }
    }
    return new double[] {loss / weight, correct / weight};
  }

  @ParameterizedTest
  @CsvSource({"1, 0.33", "8, 0.44", "32, 0.48"})
  void defaultLogisticReachesTheTargetLogLoss(int batchSize, double bound) throws Exception {
    Path file = TestBatches.elec().orElse(null);
    Assumptions.assumeTrue(file != null, "shared/data/elec.csv not found");
    List<double[]> rows = TestBatches.readElec(file);
    double[] r = prequential(rows, ModelFactory.create("logistic", 6), batchSize);
    assertTrue(r[0] <= bound, "B=" + batchSize + ": prequential log loss " + r[0] + ", accuracy " + r[1]);
  }
}
