package io.batchwise.learner.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchwise.learner.loss.HuberLoss;
import io.batchwise.learner.loss.LogLoss;
import io.batchwise.learner.loss.SquaredLoss;
import io.batchwise.learner.optim.Adam;
import io.batchwise.learner.optim.Sgd;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Learning reaches solutions known independently of the models' own code. */
class ConvergenceTest {

  /** Maximum-likelihood logistic weights by Newton's method on the full data set (no standardization). */
  static double[] newtonLogistic(MicroBatch data) {
    int d = data.featureCount();
    int p = d + 1;
    double[] w = new double[p];
    for (int iter = 0; iter < 50; iter++) {
      double[] g = new double[p];
      double[][] h = new double[p][p];
      for (int i = 0; i < data.size(); i++) {
        double[] x = new double[p];
        System.arraycopy(data.features(), i * d, x, 0, d);
        x[d] = 1;
        double z = 0;
        for (int j = 0; j < p; j++) {
          z += w[j] * x[j];
        }
        double prob = LogLoss.sigmoid(z);
        for (int j = 0; j < p; j++) {
          g[j] += (prob - data.labels()[i]) * x[j];
          for (int k = 0; k < p; k++) {
            h[j][k] += prob * (1 - prob) * x[j] * x[k];
          }
        }
      }
      double[] step = solve(h, g);
      for (int j = 0; j < p; j++) {
        w[j] -= step[j];
      }
    }
    return w;
  }

  /** Gaussian elimination with partial pivoting. */
  static double[] solve(double[][] a, double[] b) {
    int n = b.length;
    double[][] m = new double[n][];
    for (int i = 0; i < n; i++) {
      m[i] = java.util.Arrays.copyOf(a[i], n + 1);
      m[i][n] = b[i];
    }
    for (int c = 0; c < n; c++) {
      int piv = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) {
          piv = r;
        }
      }
      double[] t = m[c];
      m[c] = m[piv];
      m[piv] = t;
      for (int r = c + 1; r < n; r++) {
        double f = m[r][c] / m[c][c];
        for (int k = c; k <= n; k++) {
          m[r][k] -= f * m[c][k];
        }
      }
    }
    double[] x = new double[n];
    for (int r = n - 1; r >= 0; r--) {
      double s = m[r][n];
      for (int k = r + 1; k < n; k++) {
        s -= m[r][k] * x[k];
      }
      x[r] = s / m[r][r];
    }
    return x;
  }

  private static MicroBatch noisyLogisticData(Random rnd, int n) {
    MicroBatch data = new MicroBatch(3, n);
    for (int i = 0; i < n; i++) {
      double[] x = {rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()};
      double prob = LogLoss.sigmoid(1.5 * x[0] - x[1] + 0.5 * x[2] - 0.3);
      data.add(x, rnd.nextDouble() < prob ? 1 : 0, 1.0);
    }
    return data;
  }

  @Test
  void fullBatchLogisticReachesTheNewtonMaximumLikelihood() {
    MicroBatch data = noisyLogisticData(new Random(21), 300);
    double[] mle = newtonLogistic(data);
    LogisticRegression m = new LogisticRegression(3, new Sgd(2.0), null, 0.0);
    for (int step = 0; step < 3000; step++) {
      m.learn(data, 1.0);
    }
    assertArrayEquals(mle, m.parameters(), 1e-8);
  }

  @Test
  void twoClassSoftmaxReachesTheLogisticSolution() {
    // softmax with K = 2 is logistic regression on the difference of the class weights
    MicroBatch data = noisyLogisticData(new Random(22), 300);
    double[] mle = newtonLogistic(data);
    SoftmaxRegression m = new SoftmaxRegression(3, 2, new Sgd(1.0), null, 0.0);
    for (int step = 0; step < 3000; step++) {
      m.learn(data, 1.0);
    }
    double[] p = m.parameters();
    double[] difference = {p[3] - p[0], p[4] - p[1], p[5] - p[2], p[7] - p[6]};
    assertArrayEquals(mle, difference, 1e-8);
  }

  @Test
  void onlineLinearRegressionRecoversANoiseFreeLinearFunction() {
    Random rnd = new Random(23);
    java.util.function.ToDoubleFunction<double[]> truth = x -> 3 * x[0] - 2 * x[1] + 0.5 * x[2] + 1;
    // raw features: the optimum is fixed, so SGD reaches it to rounding
    for (String spec : new String[] {"linear:standardize=false", "linear:huber:standardize=false"}) {
      OnlineModel m = ModelFactory.create(spec, "sgd:0.02", 3);
      for (int b = 0; b < 3000; b++) {
        m.learn(TestBatches.batch(rnd, 8, 3, truth, false), 1.0);
      }
      for (int i = 0; i < 10; i++) {
        double[] x = TestBatches.features(rnd, 3);
        assertEquals(truth.applyAsDouble(x), m.predict(x)[0], 1e-9, spec);
      }
    }
    // standardized features at the default settings: the optimum in standardized coordinates moves
    // as the running statistics settle (by O(1/t) per batch), and SGD tracks it closely
    for (String spec : new String[] {"linear", "linear:huber"}) {
      OnlineModel m = ModelFactory.create(spec, 3);
      for (int b = 0; b < 3000; b++) {
        m.learn(TestBatches.batch(rnd, 8, 3, truth, false), 1.0);
      }
      for (int i = 0; i < 10; i++) {
        double[] x = TestBatches.features(rnd, 3);
        assertEquals(truth.applyAsDouble(x), m.predict(x)[0], 0.01, spec);
      }
    }
  }

  @Test
  void huberIgnoresOutliersThatPullLeastSquares() {
    Random rnd = new Random(24);
    LinearRegression squared = new LinearRegression(1, new SquaredLoss(), new Adam(0.01), null, 0.0);
    LinearRegression huber = new LinearRegression(1, new HuberLoss(1.0), new Adam(0.01), null, 0.0);
    for (int b = 0; b < 4000; b++) {
      MicroBatch batch = new MicroBatch(1, 10);
      for (int i = 0; i < 10; i++) {
        double x = rnd.nextGaussian();
        // one label in ten is a gross positive outlier
        batch.add(new double[] {x}, 2 * x + (i == 0 ? 100 : 0.1 * rnd.nextGaussian()), 1.0);
      }
      squared.learn(batch, 1.0);
      huber.learn(batch, 1.0);
    }
    // least squares shifts the intercept by the outliers' mean (about 10); Huber by far less
    assertTrue(Math.abs(squared.parameters()[1]) > 5, "squared intercept " + squared.parameters()[1]);
    assertTrue(Math.abs(huber.parameters()[1]) < 0.5, "huber intercept " + huber.parameters()[1]);
    assertEquals(2.0, huber.parameters()[0], 0.1);
  }
}
