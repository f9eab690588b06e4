package io.batchwise.learner.optim;

import io.batchwise.policy.SpecNumbers;

import java.util.Arrays;

/**
 * Bookkeeping shared by optimizers that keep {@code slotsPerParameter} values per parameter, and optionally a few
 * scalars of their own, which the exported state carries after the slots.
 */
abstract class SlottedOptimizer implements Optimizer {
  private final int slotsPerParameter;
  private final int scalarCount;
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
    this(slotsPerParameter, 0);
  }

  /** @param scalarCount values besides the slots; with two slots it must be odd, so older states stay recognizable */
  SlottedOptimizer(int slotsPerParameter, int scalarCount) {
    this.slotsPerParameter = slotsPerParameter;
    this.scalarCount = scalarCount;
    this.slots = new double[slotsPerParameter][0];
  }

  /** The optimizer's own scalars, {@code scalarCount} of them, exported after the slots. */
  protected double[] exportScalars() {
    return new double[0];
  }

  /**
   * Restores the scalars {@link #exportScalars} gave, after the step count and the slots; null for a state written
   * before the optimizer kept them (its length is a multiple of the slot count).
   */
  protected void importScalars(double[] scalars) {
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

  /**
   * The slots laid out slot by slot, slot k of parameter j at {@code k * n + j}, then the optimizer's scalars; empty
   * before the first step.
   */
  @Override
  public final double[] exportState() {
    int n = slotsPerParameter == 0 ? 0 : floatSlots != null ? floatSlots[0].length : slots[0].length;
    if (n == 0) {
      return new double[0];
    }
    double[] state = new double[slotsPerParameter * n + scalarCount];
    for (int k = 0; k < slotsPerParameter; k++) {
      if (floatSlots != null) {
        for (int j = 0; j < n; j++) {
          state[k * n + j] = floatSlots[k][j];
        }
      } else {
        System.arraycopy(slots[k], 0, state, k * n, n);
      }
    }
    System.arraycopy(exportScalars(), 0, state, slotsPerParameter * n, scalarCount);
    return state;
  }

  @Override
  public final void importState(long steps, double[] state) {
    int slotCount = Math.max(1, slotsPerParameter);
    boolean withScalars = scalarCount > 0 && state.length >= scalarCount && (state.length - scalarCount) % slotCount == 0;
    int slotValues = withScalars ? state.length - scalarCount : state.length;
    if (slotValues % slotCount != 0) {
      throw new IllegalArgumentException(spec() + " state length " + state.length
          + " is not a multiple of " + slotsPerParameter + (scalarCount > 0 ? " plus " + scalarCount : ""));
    }
    this.steps = steps;
    this.floatSlots = null;
    int n = slotsPerParameter == 0 ? 0 : slotValues / slotsPerParameter;
    for (int k = 0; k < slotsPerParameter; k++) {
      slots[k] = Arrays.copyOfRange(state, k * n, (k + 1) * n);
    }
    importScalars(withScalars ? Arrays.copyOfRange(state, slotValues, state.length) : null);
  }

  static String format(double v) {
    return SpecNumbers.format(v);
  }
}
