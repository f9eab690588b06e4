package io.batchwise.learner.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.batchwise.learner.model.MicroBatch;
import io.batchwise.learner.model.ModelFactory;
import io.batchwise.learner.model.OnlineModel;
import io.batchwise.learner.model.StepResult;
import io.batchwise.policy.FixedPolicy;

class LoopVersusModelTest {
  @ParameterizedTest
  @ValueSource(ints = {1, 8, 32})
  void loopMatchesTheModelDriven(int b) throws Exception {
    Path elec = null;
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("shared/data/elec.csv"))) {
        elec = dir.resolve("shared/data/elec.csv");
        break;
      }
    }
    Assumptions.assumeTrue(elec != null);
    List<double[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(elec).subList(1, 45313)) {
      String[] c = line.split(",");
      double[] r = new double[7];
      for (int i = 0; i < 7; i++) {
        r[i] = Double.parseDouble(c[i]);
      }
      rows.add(r);
    }
    OnlineModel direct = ModelFactory.create("logistic", 6);
    MicroBatch batch = new MicroBatch(6, b);
    double loss = 0;
    for (int i = 0; i < rows.size(); i++) {
      batch.add(java.util.Arrays.copyOf(rows.get(i), 6), rows.get(i)[6], 1.0);
      if (batch.size() == b || i == rows.size() - 1) {
        StepResult r = direct.learn(batch, 1.0);
        loss += r.lossSum();
        batch.clear();
      }
    }
    LearningLoop loop = new LearningLoop("m", ModelFactory.create("logistic", 6), new FixedPolicy(b, 500));
    for (int i = 0; i < rows.size(); i++) {
      loop.add(rows.get(i), rows.get(i)[6], 1.0, i, i, i);
      if (loop.batchFull() || i == rows.size() - 1) {
        loop.step(i, 0);
      }
    }
    assertEquals(loss / rows.size(), loop.meanLoss(), 1e-12, "B=" + b);
  }
}
