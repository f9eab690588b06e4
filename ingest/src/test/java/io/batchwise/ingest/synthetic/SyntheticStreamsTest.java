package io.batchwise.ingest.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.batchwise.ingest.EventSource;
import io.batchwise.ingest.Rows;
import io.batchwise.ingest.SyntheticStreams;
import io.batchwise.schemas.LabelledEvent;

class SyntheticStreamsTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final Clock CLOCK = Clock.fixed(START, ZoneOffset.UTC);

  private static List<LabelledEvent> events(String spec, long seed) {
    return Rows.valid(Rows.all(SyntheticStreams.create(spec, "m", seed, CLOCK)));
  }

  private static double[] labels(List<LabelledEvent> events) {
    return events.stream().mapToDouble(LabelledEvent::getLabel).toArray();
  }

  /** Fraction of positions in [from, to) where the labels differ. */
  private static double disagreement(double[] a, double[] b, int from, int to) {
    int differ = 0;
    for (int i = from; i < to; i++) {
      differ += a[i] != b[i] ? 1 : 0;
    }
    return (double) differ / (to - from);
  }

  @Test
  void everyKindIsDeterministicForASeedAndDiffersAcrossSeeds() {
    for (String spec : List.of("separable:n=500", "hyperplane:n=500", "abrupt:n=500,every=100", "multiclass:n=500,k=4",
        "bursts:n=500")) {
      List<LabelledEvent> a = events(spec, 7);
      List<LabelledEvent> b = events(spec, 7);
      assertEquals(500, a.size(), spec);
      assertEquals(a, b, spec + " must repeat for one seed");
      assertNotEquals(a, events(spec, 8), spec + " must change with the seed");
      assertEquals(10, Rows.dense(a.get(0)).length);
      assertEquals(spec.substring(0, spec.indexOf(':')) + "-7-1", a.get(0).getEventId());
      for (int i = 1; i < a.size(); i++) {
        assertFalse(a.get(i).getEventTime().isBefore(a.get(i - 1).getEventTime()), "event times never go back");
      }
    }
  }

  @Test
  void eventTimesAreSpacedByTheSimulatedRate() {
    List<LabelledEvent> e = events("separable:n=3,rate=4", 1);
    assertEquals(List.of(START, START.plusMillis(250), START.plusMillis(500)),
        e.stream().map(LabelledEvent::getEventTime).toList());
  }

  @Test
  void endlessStreamKeepsGoingAndCountsAreExact() {
    try (EventSource endless = SyntheticStreams.create("hyperplane:n=0", "m", 1, CLOCK)) {
      for (int i = 0; i < 200_000; i++) {
        assertTrue(endless.next() != null);
      }
    }
    try (EventSource three = SyntheticStreams.create("separable:n=3,d=2", "m", 1, CLOCK)) {
      three.next();
      three.next();
      three.next();
      assertNull(three.next());
      assertNull(three.next());
    }
  }

  @Test
  void separableLabelNoiseFlipsTheRequestedFraction() {
    int n = 40_000;
    double[] clean = labels(events("separable:noise=0,n=" + n, 3));
    double[] noisy = labels(events("separable:noise=0.1,n=" + n, 3));
    // binomial: sd = sqrt(0.1 * 0.9 / 40000) = 0.0015; 4 sd
    assertEquals(0.1, disagreement(clean, noisy, 0, n), 0.006);
    double positives = 0;
    for (double y : clean) {
      positives += y;
    }
    assertEquals(0.5, positives / n, 0.01, "a hyperplane through the origin of N(0, I) halves the mass");
  }

  @Test
  void hyperplaneDriftMovesTheBoundaryAwayFromTheInitialConcept() {
    int n = 20_000;
    // same seed: same features and initial weights; only the drift differs
    double[] fixed = labels(events("hyperplane:noise=0,drift=0,n=" + n, 5));
    double[] drifting = labels(events("hyperplane:noise=0,drift=0.001,n=" + n, 5));
    double early = disagreement(fixed, drifting, 0, 500);
    double late = disagreement(fixed, drifting, n - 5000, n);
    assertTrue(early < 0.03, "at first the concepts agree: " + early);
    assertTrue(late > 0.08, "after 15000+ steps the boundary has turned: " + late);
    // and the weights the stream reports have moved by about the random walk's size
    HyperplaneStream stream = (HyperplaneStream) SyntheticStreams.create("hyperplane:noise=0,drift=0.001,n=" + n, "m", 5,
        CLOCK);
    double[] before = stream.weights();
    Rows.all(stream);
    double[] after = stream.weights();
    double moved = 0;
    for (int i = 0; i < before.length; i++) {
      moved += Math.abs(after[i] - before[i]);
    }
    assertTrue(moved / before.length > 0.05, "mean weight change " + moved / before.length);
  }

  @Test
  void hyperplaneWithoutDriftFollowsItsConceptUpToTheNoise() {
    int n = 20_000;
    double[] clean = labels(events("hyperplane:noise=0,drift=0,n=" + n, 9));
    double[] noisy = labels(events("hyperplane:noise=0.05,drift=0,n=" + n, 9));
    assertEquals(0.05, disagreement(clean, noisy, 0, n), 0.006);
    HyperplaneStream stream = (HyperplaneStream) SyntheticStreams.create("hyperplane:noise=0,drift=0,n=100", "m", 9, CLOCK);
    double[] w = stream.weights();
    for (LabelledEvent e : Rows.valid(Rows.all(stream))) {
      double[] x = Rows.dense(e);
      double sum = 0;
      double threshold = 0;
      for (int i = 0; i < x.length; i++) {
        assertTrue(x[i] >= 0 && x[i] < 1);
        sum += w[i] * x[i];
        threshold += w[i];
      }
      assertEquals(sum >= threshold / 2 ? 1.0 : 0.0, e.getLabel(), "Hulten et al.: 1 iff w.x >= sum(w)/2");
    }
    assertArrayEquals(w, stream.weights(), "no drift: the weights stay");
  }

  @Test
  void abruptDriftSwitchesConceptAtTheBoundary() {
    int n = 4000;
    double[] once = labels(events("abrupt:noise=0,every=1000000,n=" + n, 11));
    double[] switching = labels(events("abrupt:noise=0,every=1000,n=" + n, 11));
    assertEquals(0.0, disagreement(once, switching, 0, 1000), "identical before the first switch");
    double after = disagreement(once, switching, 1000, 2000);
    // a fresh random hyperplane in 10 dimensions disagrees on angle/pi of the mass: 0.5 on average, rarely < 0.1
    assertTrue(after > 0.1, "the concept changed at event 1000: " + after);
  }

  @Test
  void multiclassLabelsAreClassIndicesNearTheirCentres() {
    MulticlassStream stream = (MulticlassStream) SyntheticStreams.create("multiclass:k=5,sep=2,noise=0,n=5000", "m", 13,
        CLOCK);
    double[][] centres = stream.centres();
    int[] counts = new int[5];
    int nearest = 0;
    List<LabelledEvent> events = Rows.valid(Rows.all(stream));
    for (LabelledEvent e : events) {
      int y = (int) (double) e.getLabel();
      assertEquals((double) y, e.getLabel());
      counts[y]++;
      double[] x = Rows.dense(e);
      int best = -1;
      double bestDistance = Double.MAX_VALUE;
      for (int j = 0; j < centres.length; j++) {
        double d = 0;
        for (int i = 0; i < x.length; i++) {
          d += (x[i] - centres[j][i]) * (x[i] - centres[j][i]);
        }
        if (d < bestDistance) {
          bestDistance = d;
          best = j;
        }
      }
      nearest += best == y ? 1 : 0;
    }
    for (int c : counts) {
      assertEquals(1000, c, 120, "classes are uniform");
    }
    assertTrue(nearest / 5000.0 > 0.95, "well separated classes: " + nearest / 5000.0);
    double[] noisy = labels(events("multiclass:k=5,sep=2,noise=0.2,n=5000", 13));
    assertEquals(0.2, disagreement(labels(events), noisy, 0, 5000), 0.025, "noise replaces labels by another class");
  }

  @Test
  void burstsArriveFasterInsideTheBurstWindowsAndAskToBeReplayed() {
    EventSource source = SyntheticStreams.create("bursts:rate=100,burst-rate=1000,every=10,length=2,n=20000", "m", 17,
        CLOCK);
    assertTrue(source.pacedByEventTime());
    assertFalse(SyntheticStreams.create("separable", "m", 1, CLOCK).pacedByEventTime());
    List<LabelledEvent> events = Rows.valid(Rows.all(source));
    long inBurst = 0;
    long outside = 0;
    double lastSecond = 0;
    for (LabelledEvent e : events) {
      double seconds = (e.getEventTime().toEpochMilli() - START.toEpochMilli()) / 1000.0;
      lastSecond = seconds;
      if (seconds % 10 < 2) {
        inBurst++;
      } else {
        outside++;
      }
    }
    // expected per 10 s cycle: 2 s x 1000 = 2000 in a burst, 8 s x 100 = 800 outside
    double ratio = (double) inBurst / outside;
    assertEquals(2.5, ratio, 0.15, "burst:base events " + inBurst + ":" + outside);
    assertEquals(20_000 / 2800.0 * 10, lastSecond, 2.0, "about 7.1 cycles of 10 s");
  }

  @Test
  void specErrorsNameWhatIsKnown() {
    IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
        () -> SyntheticStreams.create("spiral:d=2", "m", 1));
    assertTrue(kind.getMessage().contains("separable, hyperplane, abrupt, multiclass, bursts"), kind.getMessage());
    IllegalArgumentException key = assertThrows(IllegalArgumentException.class,
        () -> SyntheticStreams.create("hyperplane:drfit=0.1", "m", 1));
    assertTrue(key.getMessage().contains("unknown parameter 'drfit'") && key.getMessage().contains("drift"),
        key.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SyntheticStreams.create("separable:noise=1.5", "m", 1));
    assertThrows(IllegalArgumentException.class, () -> SyntheticStreams.create("separable:d=ten", "m", 1));
    assertThrows(IllegalArgumentException.class, () -> SyntheticStreams.create("separable:d", "m", 1));
    assertThrows(IllegalArgumentException.class, () -> SyntheticStreams.create("multiclass:k=1", "m", 1));
    assertThrows(IllegalArgumentException.class, () -> SyntheticStreams.create("bursts:every=2,length=3", "m", 1));
    assertThrows(IllegalArgumentException.class, () -> SyntheticStreams.create("separable:n=1,n=2", "m", 1));
    assertEquals(10, SyntheticStreams.create("Hyperplane", "m", 1).featureCount().getAsInt());
  }
}
