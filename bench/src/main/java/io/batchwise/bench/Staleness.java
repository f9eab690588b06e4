package io.batchwise.bench;

import java.util.Arrays;
import java.util.List;

/** How long each event waited from its append to the first published snapshot that includes it. */
final class Staleness {
  private Staleness() {
  }

  /**
   * @param appendTimes each event's append time, ms, in stream order
   * @param snapshots   {examplesSeen, createdAt ms} of each snapshot, in publication order
   * @return the staleness of every event some snapshot includes, sorted ascending
   */
  static long[] perEvent(long[] appendTimes, List<long[]> snapshots) {
    long[] stale = new long[appendTimes.length];
    int included = 0;
    int s = 0;
    for (int k = 0; k < appendTimes.length; k++) {
      while (s < snapshots.size() && snapshots.get(s)[0] < k + 1) {
        s++;
      }
      if (s == snapshots.size()) {
        break;
      }
      stale[included++] = snapshots.get(s)[1] - appendTimes[k];
    }
    long[] result = Arrays.copyOf(stale, included);
    Arrays.sort(result);
    return result;
  }
}
