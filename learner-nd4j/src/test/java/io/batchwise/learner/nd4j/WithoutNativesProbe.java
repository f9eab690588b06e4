package io.batchwise.learner.nd4j;

import io.batchwise.learner.model.ModelFactory;

/** Run in a JVM without ND4J's natives: prints what the learner does with each model kind. */
public final class WithoutNativesProbe {
  private WithoutNativesProbe() {
  }

  public static void main(String[] args) {
    for (String spec : args) {
      try {
        ModelFactory.create(spec, 3).predict(new double[3]);
        System.out.println(spec + ": ok");
      } catch (RuntimeException e) {
        System.out.println(spec + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }
  }
}
