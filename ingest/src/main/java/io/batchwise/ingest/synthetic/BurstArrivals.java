package io.batchwise.ingest.synthetic;

import java.util.Random;

/**
 * A Poisson process whose rate switches between {@code rate} and {@code burstRate}: a burst of {@code length}
 * seconds starts every {@code period} seconds (at 0, period, 2 period...). Gaps are exponential at the rate in
 * force; a gap that crosses a phase boundary is redrawn from the boundary at the new rate, which is exact for a
 * piecewise-constant rate because the exponential is memoryless.
 */
final class BurstArrivals implements ArrivalTimes {
  private final double rate;
  private final double burstRate;
  private final double period;
  private final double length;
  private final Random random;
  private double time;
  private long cycle;
  private boolean inBurst = true;

  BurstArrivals(double rate, double burstRate, double period, double length, Random random) {
    if (!(length > 0 && length < period)) {
      throw new IllegalArgumentException("bursts: length must be in (0, every), got length=" + length + ", every=" + period);
    }
    this.rate = rate;
    this.burstRate = burstRate;
    this.period = period;
    this.length = length;
    this.random = random;
  }

  @Override
  public double next() {
    while (true) {
      double phaseEnd = cycle * period + (inBurst ? length : period);
      double gap = -Math.log(1.0 - random.nextDouble()) / (inBurst ? burstRate : rate);
      if (time + gap < phaseEnd) {
        time += gap;
        return time;
      }
      time = phaseEnd;
      if (!inBurst) {
        cycle++;
      }
      inBurst = !inBurst;
    }
  }

  @Override
  public boolean isPattern() {
    return true;
  }
}
