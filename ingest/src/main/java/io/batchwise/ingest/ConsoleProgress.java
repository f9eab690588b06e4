package io.batchwise.ingest;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows a publish's progress: on a terminal one line rewritten in place ({@code \r}) at every report; otherwise
 * (a pipe, a CI log) a plain line every {@code plainEverySeconds}, so logs stay readable. The first
 * {@value #REJECTIONS_SHOWN} rejected rows get a line each with their line number and reason. The final summary
 * always gets its own line.
 */
public final class ConsoleProgress implements ProgressListener {
  /** Rejected rows shown one by one; the rest are counted in the summary. */
  public static final int REJECTIONS_SHOWN = 5;

  private final PrintWriter out;
  private final boolean terminal;
  private final double plainEverySeconds;
  private double lastPlain;
  private int lastWidth;
  private int rejectionsShown;

  public ConsoleProgress(PrintWriter out, boolean terminal, double plainEverySeconds) {
    this.out = out;
    this.terminal = terminal;
    this.plainEverySeconds = plainEverySeconds;
  }

  /** On standard output; self-updating when it is a terminal ({@code System.console() != null}), else a line per 5 s. */
  public static ConsoleProgress onStandardOutput() {
    return new ConsoleProgress(new PrintWriter(System.out, true), System.console() != null, 5.0);
  }

  @Override
  public void onProgress(IngestProgress p) {
    String line = String.format(Locale.ROOT, "ingest: %,d events, %,d rejected, %,.0f events/s, %.0f s%s",
        p.published(), p.rejected(), p.recentPerSecond(), p.seconds(), p.pass() > 1 ? ", pass " + p.pass() : "");
    if (terminal) {
      String padded = line.length() < lastWidth ? line + " ".repeat(lastWidth - line.length()) : line;
      lastWidth = line.length();
      out.print("\r" + padded);
      out.flush();
    } else if (p.seconds() - lastPlain >= plainEverySeconds) {
      lastPlain = p.seconds();
      out.println(line);
      out.flush();
    }
  }

  @Override
  public void onRejected(SourceRow.Rejected row) {
    if (rejectionsShown == REJECTIONS_SHOWN) {
      return;
    }
    rejectionsShown++;
    clearLine();
    out.println("ingest: line " + row.line() + " rejected: " + row.reason());
    out.flush();
  }

  @Override
  public void onFinish(IngestReport report) {
    clearLine();
    out.println("ingest: " + report.summary());
    if (rejectionsShown == REJECTIONS_SHOWN && report.rejected() > rejectionsShown) {
      out.println("ingest: the first " + rejectionsShown + " of " + String.format(Locale.ROOT, "%,d", report.rejected())
          + " rejected rows shown above");
    }
    out.flush();
  }

  /** Clears the line a terminal shows in place, so that a line of its own can follow. */
  private void clearLine() {
    if (terminal && lastWidth > 0) {
      out.print("\r" + " ".repeat(lastWidth) + "\r");
      lastWidth = 0;
    }
  }
}
