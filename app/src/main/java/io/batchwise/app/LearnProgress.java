package io.batchwise.app;

import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.batchwise.client.SnapshotFollower;
import io.batchwise.schemas.ModelSnapshot;

/**
 * What {@code learn} shows while it learns: every few seconds a line per model whose snapshot changed, read from
 * the snapshots topic (so it covers every instance of the application, not only this one). The first lines, once
 * the topic has been read to its end, show where each model stands.
 */
final class LearnProgress implements AutoCloseable {
  private record Shown(long version, long examples, long nanos) {
  }

  private final SnapshotFollower follower;
  private final PrintStream out;
  private final Map<String, Shown> shown = new HashMap<>();
  private ScheduledExecutorService timer;

  LearnProgress(SnapshotFollower follower, PrintStream out) {
    this.follower = follower;
    this.out = out;
  }

  /** Follows the snapshots and prints every {@code interval} until closed. */
  static LearnProgress start(SnapshotFollower follower, PrintStream out, Duration interval) {
    LearnProgress progress = new LearnProgress(follower.start(), out);
    progress.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "learn-progress");
      thread.setDaemon(true);
      return thread;
    });
    progress.timer.scheduleAtFixedRate(progress::tick, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    return progress;
  }

  /** Prints a line for each model whose snapshot changed since the last tick; nothing before the follower caught up. */
  synchronized void tick() {
    if (!follower.isCaughtUp()) {
      return;
    }
    long now = System.nanoTime();
    new TreeMap<>(follower.latest()).forEach((id, s) -> {
      Shown last = shown.get(id);
      if (last != null && last.version() == s.getVersion()) {
        return;
      }
      double rate = last == null ? Double.NaN : (s.getExamplesSeen() - last.examples()) / ((now - last.nanos()) / 1e9);
      out.println(line(s, rate));
      shown.put(id, new Shown(s.getVersion(), s.getExamplesSeen(), now));
    });
    out.flush();
  }

  static String line(ModelSnapshot s, double eventsPerSecond) {
    return String.format(Locale.ROOT, "learn: %s v%d  %,d examples%s  batch %d  lr %.3g  loss %.4f (recent %.4f)  "
            + "accuracy %.3f  dead letters %,d", s.getModelId(), s.getVersion(), s.getExamplesSeen(),
        Double.isFinite(eventsPerSecond) ? String.format(Locale.ROOT, "  %,.0f ev/s", eventsPerSecond) : "",
        s.getBatchSize(), s.getLearningRate(), s.getMetrics().getLogLoss(), s.getMetrics().getRecentLogLoss(),
        s.getMetrics().getAccuracy(), s.getDeadLetters());
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
    follower.close();
  }
}
