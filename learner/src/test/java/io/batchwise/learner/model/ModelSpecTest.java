package io.batchwise.learner.model;

import io.batchwise.learner.loss.LossKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ModelSpecTest {

  @Test
  void specsTheCommandLinePassesBuildTheirModels() {
    assertInstanceOf(LogisticRegression.class, ModelFactory.create("logistic", 6));
    assertInstanceOf(LinearRegression.class, ModelFactory.create("linear", 6));
    assertEquals(LossKind.HUBER, ModelFactory.create("linear:huber", 6).exportState().loss());
    assertEquals(10, ModelFactory.create("softmax:10", 6).exportState().outputCount());
  }

  @Test
  void defaultsPerKind() {
    // linear models: SGD at 0.7 / (d + 1) to 3 significant digits (0.7 / 7 is 0.09999999999999999)
    assertEquals("sgd:0.1", ModelFactory.create("logistic", 6).exportState().optimizerSpec());
    assertEquals("sgd:0.00693", ModelFactory.create("softmax:3", 100).exportState().optimizerSpec());
    assertEquals(6, ModelFactory.create("logistic", 6).exportState().standardizer().mean().length);
    assertNull(ModelFactory.create("logistic:standardize=false", 6).exportState().standardizer());
  }

  @Test
  void canonicalSpecsCarryEverySettingNeededToRestore() {
    assertEquals("linear:huber:delta=2.5,l2=0.01",
        ModelFactory.create("linear:huber:delta=2.5,l2=0.01", 3).exportState().spec());
    assertEquals("logistic:l2=0.5", ModelFactory.create("logistic", ModelConfig.DEFAULTS.withL2(0.5), 3)
        .exportState().spec());
  }

  @Test
  void badSpecsAreRejectedWithTheReason() {
    assertThrows(IllegalArgumentException.class, () -> ModelFactory.create("forest", 3));
    assertThrows(IllegalArgumentException.class, () -> ModelFactory.create("softmax", 3));
    assertThrows(IllegalArgumentException.class, () -> ModelFactory.create("softmax:1", 3));
    assertThrows(IllegalArgumentException.class, () -> ModelFactory.create("linear:cubic", 3));
    assertThrows(IllegalArgumentException.class, () -> ModelFactory.create("logistic:colour=red", 3));
    assertThrows(IllegalArgumentException.class, () -> ModelFactory.create("logistic", "adam:fast", 3));
  }

  @Test
  void aBadLabelLeavesTheModelUntouched() {
    OnlineModel m = ModelFactory.create("softmax:3", 2);
    MicroBatch batch = new MicroBatch(2, 2);
    batch.add(new double[] {1, 2}, 1, 1);
    batch.add(new double[] {3, 4}, 7, 1);
    ModelState before = m.exportState();
    assertThrows(IllegalArgumentException.class, () -> m.learn(batch, 1.0));
    ModelState after = m.exportState();
    assertEquals(before.standardizer().count(), after.standardizer().count());
    org.junit.jupiter.api.Assertions.assertArrayEquals(before.parameters(), after.parameters(), 0.0);
  }
}
