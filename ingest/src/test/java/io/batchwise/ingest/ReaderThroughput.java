package io.batchwise.ingest;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

import org.apache.kafka.common.serialization.Serializer;

import io.batchwise.schemas.LabelledEvent;
import io.batchwise.schemas.Serdes;

/**
 * Throughput of the readers without Kafka (a measurement, not a test): 9 timed passes in one JVM, the first 2
 * dropped as warm-up, median/min/max of the rest. Run after {@code mvn -B -q package -DskipTests}:
 * {@code java -cp "ingest/target/classes:ingest/target/test-classes:app/target/lib/*" io.batchwise.ingest.ReaderThroughput ../shared/data/elec.csv}
 */
public final class ReaderThroughput {
  private ReaderThroughput() {
  }

  public static void main(String[] args) {
    Path elec = Path.of(args.length > 0 ? args[0] : "../shared/data/elec.csv");
    SourceOptions options = SourceOptions.builder().labelColumn("target").build();
    measure("CSV elec, open (scan) + read", () -> EventSources.open(elec, options), false);
    measure("CSV elec, open (scan) + read + Avro", () -> EventSources.open(elec, options), true);
    measure("hyperplane d=10, 45312 events + Avro", () -> SyntheticStreams.create("hyperplane:d=10,n=45312", "m", 1),
        true);
  }

  private static void measure(String what, Supplier<EventSource> sources, boolean encode) {
    Serializer<LabelledEvent> serializer = Serdes.labelledEvent();
    double[] rates = new double[7];
    long bytes = 0;
    for (int pass = 0; pass < 9; pass++) {
      long start = System.nanoTime();
      long rows = 0;
      try (EventSource source = sources.get()) {
        for (SourceRow row = source.next(); row != null; row = source.next()) {
          rows++;
          if (encode && row instanceof SourceRow.Valid valid) {
            bytes += serializer.serialize("events", valid.event()).length;
          }
        }
      }
      if (pass >= 2) {
        rates[pass - 2] = rows / ((System.nanoTime() - start) / 1e9);
      }
    }
    Arrays.sort(rates);
    System.out.printf(Locale.ROOT, "%s: median %,.0f rows/s (min %,.0f, max %,.0f)%s%n", what, rates[3], rates[0],
        rates[6], encode ? String.format(Locale.ROOT, ", %.1f bytes/event", bytes / 9.0 / 45312) : "");
  }
}
