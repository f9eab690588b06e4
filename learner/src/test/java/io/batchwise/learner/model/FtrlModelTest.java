package io.batchwise.learner.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** FTRL-Proximal on the linear models: L1 zeroes the weights of features that carry no signal. */
class FtrlModelTest {

  @Test
  void l1KeepsIrrelevantFeaturesExactlyZeroAndLearnsTheRelevantOnes() {
    Random rnd = new Random(41);
    int d = 10;
    // z sums mean batch gradients: an irrelevant feature's z random-walks to about 0.12 sqrt(steps) ~ 5.5
    // here, so l1 = 15 holds it at zero while the relevant features' z grow linearly past it
    OnlineModel m = ModelFactory.create("logistic", "ftrl:0.5,1,15,0", d);
    double loss = 0;
    double weight = 0;
    for (int b = 0; b < 2000; b++) {
      MicroBatch batch = new MicroBatch(d, 16);
      for (int i = 0; i < 16; i++) {
        double[] x = new double[d];
        for (int j = 0; j < d; j++) {
          x[j] = rnd.nextGaussian();
        }
        // only the first two features matter
        double p = io.batchwise.learner.loss.LogLoss.sigmoid(3 * x[0] - 2 * x[1]);
        batch.add(x, rnd.nextDouble() < p ? 1 : 0, 1.0);
      }
      StepResult r = m.learn(batch, 1.0);
      if (b >= 1800) {
        loss += r.lossSum();
        weight += r.weightSum();
      }
    }
    double[] w = m.exportState().parameters();
    assertTrue(w[0] > 1.5 && w[1] < -1.0, "relevant weights " + w[0] + ", " + w[1]);
    int zeros = 0;
    for (int j = 2; j < d; j++) {
      zeros += w[j] == 0.0 ? 1 : 0;
    }
    assertEquals(d - 2, zeros, "irrelevant weights not exactly zero: " + java.util.Arrays.toString(w));
    assertTrue(loss / weight < 0.4, "log loss " + loss / weight);
  }
}
