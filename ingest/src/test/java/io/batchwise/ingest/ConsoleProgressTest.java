package io.batchwise.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

class ConsoleProgressTest {

  @Test
  void onATerminalOneLineIsRewrittenInPlace() {
    StringWriter text = new StringWriter();
    ConsoleProgress progress = new ConsoleProgress(new PrintWriter(text), true, 5);
    progress.onProgress(new IngestProgress(12_345, 2, 1.0, 12_345, 1));
    progress.onProgress(new IngestProgress(20_000, 2, 2.0, 7_655, 1));
    progress.onFinish(new IngestReport(20_000, 2, 2.0, 1, false));
    String first = "ingest: 12,345 events, 2 rejected, 12,345 events/s, 1 s";
    String second = "ingest: 20,000 events, 2 rejected, 7,655 events/s, 2 s";
    assertEquals("\r" + first + "\r" + second + " " + "\r" + " ".repeat(second.length()) + "\r"
        + "ingest: published 20,000 events, rejected 2 rows in 2.0 s (10,000 events/s)" + System.lineSeparator(),
        text.toString());
  }

  @Test
  void elsewherePlainLinesAtMostEveryFewSeconds() {
    StringWriter text = new StringWriter();
    ConsoleProgress progress = new ConsoleProgress(new PrintWriter(text), false, 5);
    for (int s = 1; s <= 12; s++) {
      progress.onProgress(new IngestProgress(s * 100L, 0, s, 100, 2));
    }
    String nl = System.lineSeparator();
    assertEquals("ingest: 500 events, 0 rejected, 100 events/s, 5 s, pass 2" + nl
        + "ingest: 1,000 events, 0 rejected, 100 events/s, 10 s, pass 2" + nl, text.toString());
  }

  @Test
  void theFirstRejectionsAreShownWithTheirLineAndTheRestCounted() {
    StringWriter text = new StringWriter();
    ConsoleProgress progress = new ConsoleProgress(new PrintWriter(text), true, 5);
    progress.onProgress(new IngestProgress(10, 0, 1.0, 10, 1));
    for (int line = 2; line <= 8; line++) {
      progress.onRejected(new SourceRow.Rejected(line, "label 'x' is not a number", new byte[0]));
    }
    progress.onFinish(new IngestReport(10, 7, 2.0, 1, false));
    String nl = System.lineSeparator();
    String shown = "ingest: 10 events, 0 rejected, 10 events/s, 1 s";
    StringBuilder expected = new StringBuilder("\r" + shown + "\r" + " ".repeat(shown.length()) + "\r");
    for (int line = 2; line <= 6; line++) {
      expected.append("ingest: line ").append(line).append(" rejected: label 'x' is not a number").append(nl);
    }
    expected.append("ingest: published 10 events, rejected 7 rows in 2.0 s (5 events/s)").append(nl)
        .append("ingest: the first 5 of 7 rejected rows shown above").append(nl);
    assertEquals(expected.toString(), text.toString());
  }
}
