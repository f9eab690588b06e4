package io.batchwise.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Benchmarks: each subcommand measures one part in one run against a baseline and reports medians. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks; see docs/BENCHMARKS.md for the figures and how they were produced.",
    subcommands = {LearnerBenchCommand.class, PolicyBenchCommand.class, StreamBenchCommand.class, PipelineBenchCommand.class,
        SoakBenchCommand.class, ParallelBenchCommand.class, InstancesBenchCommand.class, JmhCommand.class,
        RenderCommand.class})
public final class BenchCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
