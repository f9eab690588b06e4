package io.batchwise.learner.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Central finite differences against a model's analytic gradient. */
public final class GradientCheck {
  private GradientCheck() {
  }

  /** Largest relative error over coordinates, |a - f| / max(|a| + |f|, floor). */
  public static double maxRelativeError(DifferentiableModel model, MicroBatch batch, double h) {
    double[] theta = model.parameters();
    double[] analytic = new double[theta.length];
    model.gradient(batch, analytic);
    double worst = 0;
    for (int j = 0; j < theta.length; j++) {
      double[] plus = theta.clone();
      plus[j] += h;
      model.setParameters(plus);
      double fPlus = model.objective(batch);
      double[] minus = theta.clone();
      minus[j] -= h;
      model.setParameters(minus);
      double fMinus = model.objective(batch);
      double numeric = (fPlus - fMinus) / (2 * h);
      double err = Math.abs(analytic[j] - numeric) / Math.max(Math.abs(analytic[j]) + Math.abs(numeric), 1e-7);
      worst = Math.max(worst, err);
    }
    model.setParameters(theta);
    return worst;
  }

  public static void assertGradient(DifferentiableModel model, MicroBatch batch, String what) {
    double err = maxRelativeError(model, batch, 1e-6);
    assertTrue(err < 1e-5, what + ": max relative error " + err);
  }
}
