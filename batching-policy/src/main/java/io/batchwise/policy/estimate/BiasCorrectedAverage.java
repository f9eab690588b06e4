package io.batchwise.policy.estimate;

/**
 * Exponential moving average with Adam's bias correction (Kingma and Ba 2015): m_t = d m_{t-1} + (1-d) x_t,
 * reported as m_t / (1 - d^t), so the first values are not pulled towards the zero it starts from.
 */
public final class BiasCorrectedAverage {
  private final double decay;
  private double moment;
  private double decayPower = 1.0;

  /** @param decay weight of the past per update, in [0, 1); the average spans about 1/(1-decay) updates */
  public BiasCorrectedAverage(double decay) {
    if (!(decay >= 0 && decay < 1)) {
      throw new IllegalArgumentException("decay must be in [0, 1), got " + decay);
    }
    this.decay = decay;
  }

  public void add(double value) {
    moment = decay * moment + (1 - decay) * value;
    decayPower *= decay;
  }

  /** The corrected average, NaN before the first value. */
  public double value() {
    double weight = 1 - decayPower;
    return weight > 0 ? moment / weight : Double.NaN;
  }

  public boolean isEmpty() {
    return decayPower == 1.0;
  }

  double[] exportState() {
    return new double[] {moment, decayPower};
  }

  void restoreState(double[] state, int offset) {
    moment = state[offset];
    decayPower = state[offset + 1];
  }
}
