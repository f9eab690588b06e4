package io.batchwise.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class SpecNumbersTest {
  @Test
  void printsTheFewestDigitsThatReadBack() {
    assertEquals("0.1", SpecNumbers.format(0.1));
    assertEquals("0.09999999999999999", SpecNumbers.format(0.7 / 7), "a different double than 0.1 keeps its digits");
    assertEquals("32", SpecNumbers.format(32.0));
    assertEquals("1.25", SpecNumbers.format(1.25));
    assertEquals("0.001", SpecNumbers.format(0.001));
    assertEquals("1e-08", SpecNumbers.format(1e-8));
    assertEquals("-2.5e-10", SpecNumbers.format(-2.5e-10));
    assertEquals("1e+20", SpecNumbers.format(1e20));
    assertEquals("0", SpecNumbers.format(-0.0));
    assertEquals("inf", SpecNumbers.format(Double.POSITIVE_INFINITY));
    assertEquals("2.82879384806159e+17", SpecNumbers.format(2.82879384806159E17), "Java 17: 2.82879384806159008E17");
  }

  @Test
  void everyDoubleReadsBackExactly() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 100_000; i++) {
      double v = Double.longBitsToDouble(random.nextLong());
      if (Double.isFinite(v)) {
        assertEquals(v, Double.parseDouble(SpecNumbers.format(v)), 0.0, SpecNumbers.format(v));
      }
      double w = random.nextDouble() * Math.pow(10, random.nextInt(-8, 8));
      assertEquals(w, Double.parseDouble(SpecNumbers.format(w)), 0.0, SpecNumbers.format(w));
    }
  }

  @Test
  void roundsAComputedDefaultToSignificantDigits() {
    assertEquals(0.1, SpecNumbers.round(0.7 / 7, 3));
    assertEquals(0.0636, SpecNumbers.round(0.7 / 11, 3));
  }
}
