package io.batchwise.learner.optim;

import io.batchwise.policy.SpecNumbers;

import java.util.Arrays;

/** Bookkeeping shared by optimizers that keep {@code slotsPerParameter} values per parameter. */
abstract class SlottedOptimizer implements Optimizer {
  private final int slotsPerParameter;
  /**
   * One array per slot, so a step's loop reads and writes arrays that cannot overlap and the JIT vectorizes it (one
   * array holding every slot at offsets is one whose reads and writes the JIT cannot prove apart, so it does not).
   */
  protected double[][] slots;
  /**
   * The slots in float32, once a model steps float32 parameters ({@link #bindFloat32}); then {@link #slots} is empty.
   * A float32 model gains nothing from float64 moments, and a loop of one element type is one the JIT vectorizes.
   */
  protected float[][] floatSlots;
  protected long steps;

  SlottedOptimizer(int slotsPerParameter) {
    this.slotsPerParameter = slotsPerParameter;
    this.slots = new double[slotsPerParameter][0];
  }

  /** Allocates zeroed slots for {@code n} parameters on first use; checks the size afterwards. */
  protected final void bind(int n, int gradientLength) {
    if (floatSlots != null) {
      throw new IllegalStateException("optimizer stepping float32 parameters was given float64 ones");
    }
    if (gradientLength != n) {
      throw new IllegalArgumentException("gradient has " + gradientLength + " entries for " + n + " parameters");
    }
    if (slotsPerParameter > 0 && slots[0].length != n) {
      if (slots[0].length != 0) {
        throw new IllegalStateException("optimizer bound to " + slots[0].length + " parameters was given " + n);
      }
      slots = new double[slotsPerParameter][n];
    }
  }

  /** As {@link #bind}, for a float32 step: the slots move to {@link #floatSlots}, keeping their values. */
  protected final void bindFloat32(int n, int gradientLength) {
    if (floatSlots == null) {
      bind(n, gradientLength);
      floatSlots = new float[slotsPerParameter][n];
      for (int k = 0; k < slotsPerParameter; k++) {
        for (int j = 0; j < n; j++) {
          floatSlots[k][j] = (float) slots[k][j];
        }
        slots[k] = new double[0];
      }
    } else if (gradientLength != n || (slotsPerParameter > 0 && floatSlots[0].length != n)) {
      throw new IllegalArgumentException("gradient has " + gradientLength + " entries for " + n
          + " parameters; optimizer bound to " + (slotsPerParameter > 0 ? floatSlots[0].length : n));
    }
  }

  @Override
  public final long steps() {
    return steps;
  }

  /** The slots laid out slot by slot: slot k of parameter j at {@code k * n + j}. */
  @Override
  public final double[] exportState() {
    if (floatSlots != null) {
      int n = slotsPerParameter == 0 ? 0 : floatSlots[0].length;
      double[] state = new double[slotsPerParameter * n];
      for (int k = 0; k < slotsPerParameter; k++) {
        for (int j = 0; j < n; j++) {
          state[k * n + j] = floatSlots[k][j];
        }
      }
      return state;
    }
    int n = slotsPerParameter == 0 ? 0 : slots[0].length;
    double[] state = new double[slotsPerParameter * n];
    for (int k = 0; k < slotsPerParameter; k++) {
      System.arraycopy(slots[k], 0, state, k * n, n);
    }
    return state;
  }

  @Override
  public final void importState(long steps, double[] state) {
    if (state.length % Math.max(1, slotsPerParameter) != 0) {
      throw new IllegalArgumentException(spec() + " state length " + state.length
          + " is not a multiple of " + slotsPerParameter);
    }
    this.steps = steps;
    this.floatSlots = null;
    int n = slotsPerParameter == 0 ? 0 : state.length / slotsPerParameter;
    for (int k = 0; k < slotsPerParameter; k++) {
      slots[k] = Arrays.copyOfRange(state, k * n, (k + 1) * n);
    }
  }

  static String format(double v) {
    return SpecNumbers.format(v);
  }
}
