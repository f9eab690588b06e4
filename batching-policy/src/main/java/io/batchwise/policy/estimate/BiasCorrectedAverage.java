package io.batchwise.policy.estimate;

import java.nio.DoubleBuffer;

/**
 * Exponential moving average with Adam's bias correction (Kingma and Ba 2015): m_t = d_t m_{t-1} + (1-d_t) x_t,
 * reported as m_t / (1 - d_1 d_2 ... d_t), so the first values are not pulled towards the zero it starts
 * from. The decay may change from value to value (a value that stands for more data decays the past more).
 */
public final class BiasCorrectedAverage {
  private double moment;
  private double decayPower = 1.0;

  /** @param decay weight of the past, in [0, 1) */
  public void add(double value, double decay) {
    if (!(decay >= 0 && decay < 1)) {
      throw new IllegalArgumentException("decay must be in [0, 1), got " + decay);
    }
    moment = decay * moment + (1 - decay) * value;
    // below 2^-54, 1 - decayPower is exactly 1: zero changes no value and keeps the product out of the
    // subnormal range, where each multiplication costs about a hundred cycles on x86
    decayPower = decayPower * decay < 0x1p-60 ? 0 : decayPower * decay;
  }

  /** The corrected average, NaN before the first value. */
  public double value() {
    double weight = totalWeight();
    return weight > 0 ? moment / weight : Double.NaN;
  }

  /** The sum of the weights the values have in the average, 1 - d_1 d_2 ... d_t (0 while empty). */
  double totalWeight() {
    return 1 - decayPower;
  }

  public boolean isEmpty() {
    return decayPower == 1.0;
  }

  /** The average's state: the uncorrected moment and the product of the decays so far. */
  public record State(double moment, double decayPower) {
    public void writeTo(DoubleBuffer out) {
      out.put(moment).put(decayPower);
    }

    public static State readFrom(DoubleBuffer in) {
      return new State(in.get(), in.get());
    }
  }

  public State state() {
    return new State(moment, decayPower);
  }

  public void restore(State state) {
    moment = state.moment();
    decayPower = state.decayPower();
  }
}
