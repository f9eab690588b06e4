package io.batchwise.learner.optim;

import io.batchwise.policy.SpecNumbers;

import java.util.Arrays;

/** Bookkeeping shared by optimizers that keep {@code slotsPerParameter} values per parameter. */
abstract class SlottedOptimizer implements Optimizer {
  private final int slotsPerParameter;
  /** Slots laid out slot by slot: slot k of parameter j at {@code k * n + j}. */
  protected double[] slots = new double[0];
  protected long steps;

  SlottedOptimizer(int slotsPerParameter) {
    this.slotsPerParameter = slotsPerParameter;
  }

  /** Allocates zeroed slots for {@code n} parameters on first use; checks the size afterwards. */
  protected final void bind(int n, int gradientLength) {
    if (gradientLength != n) {
      throw new IllegalArgumentException("gradient has " + gradientLength + " entries for " + n + " parameters");
    }
    if (slots.length != n * slotsPerParameter) {
      if (slots.length != 0) {
        throw new IllegalStateException("optimizer bound to " + slots.length / slotsPerParameter
            + " parameters was given " + n);
      }
      slots = new double[n * slotsPerParameter];
    }
  }

  @Override
  public final long steps() {
    return steps;
  }

  @Override
  public final double[] exportState() {
    return slots.clone();
  }

  @Override
  public final void importState(long steps, double[] state) {
    if (state.length % Math.max(1, slotsPerParameter) != 0) {
      throw new IllegalArgumentException(spec() + " state length " + state.length
          + " is not a multiple of " + slotsPerParameter);
    }
    this.steps = steps;
    this.slots = Arrays.copyOf(state, state.length);
  }

  static String format(double v) {
    return SpecNumbers.format(v);
  }
}
