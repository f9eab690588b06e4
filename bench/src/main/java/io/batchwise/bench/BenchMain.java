package io.batchwise.bench;

import io.batchwise.app.Main;
import picocli.CommandLine;

/** {@code batchwise bench ...}: the benchmarks' own executable, beside the app's (the launcher picks it). */
public final class BenchMain {
  private BenchMain() {
  }

  public static void main(String[] args) {
    System.exit(Main.execute(new CommandLine(new BenchCommand()), args));
  }
}
