package io.batchwise.app;

import java.io.PrintStream;

import io.batchwise.schemas.ModelSnapshot;

/** One live status line: rewritten in place on a terminal, printed at most once a second otherwise. */
final class ProgressLine {
  private final PrintStream out;
  private final boolean terminal = System.console() != null;
  private long lastPrintNanos;
  private boolean shown;

  ProgressLine(PrintStream out) {
    this.out = out;
  }

  /** @param noiseScale the policy's latest B_noise estimate, NaN when unknown */
  synchronized void show(ModelSnapshot s, double seconds, double noiseScale) {
    show(String.format("v%-5d %9d examples %9.0f ev/s  batch %-5d lr %.3g  loss %.4f (recent %.4f)  acc %.3f",
        s.getVersion(), s.getExamplesSeen(), s.getExamplesSeen() / Math.max(seconds, 1e-9), s.getBatchSize(),
        s.getLearningRate(), s.getMetrics().getLogLoss(), s.getMetrics().getRecentLogLoss(), s.getMetrics().getAccuracy())
        + (Double.isFinite(noiseScale) ? String.format("  B_noise %.3g", noiseScale) : ""));
  }

  private synchronized void show(String line) {
    long now = System.nanoTime();
    if (!terminal && now - lastPrintNanos < 1_000_000_000L) {
      return;
    }
    lastPrintNanos = now;
    if (terminal) {
      out.print("\r" + line + "   ");
    } else {
      out.println(line);
    }
    out.flush();
    shown = true;
  }

  synchronized void finish() {
    if (terminal && shown) {
      out.println();
    }
  }
}
