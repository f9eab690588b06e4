package io.batchwise.learner.model;

/** One dense layer: {@code outputs x inputs} weights (row-major) then {@code outputs} biases. */
public record Layer(int inputs, int outputs, String activation) {
  public int parameterCount() {
    return inputs * outputs + outputs;
  }
}
