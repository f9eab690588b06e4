package io.batchwise.bench;

import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * The micro-benchmarks under JMH (package io.batchwise.bench.jmh): the learning step and the policy decision,
 * the two costs per update that a stream pays at B = 1. Every argument goes to JMH's own command line.
 */
@Command(name = "jmh", mixinStandardHelpOptions = true,
    description = "JMH micro-benchmarks (learner step, policy decision); arguments go to JMH, e.g. "
        + "'PolicyDecision -rf json -rff out.json'; '-lh' lists JMH's options.")
public final class JmhCommand implements Callable<Integer> {
  /** JMH's arguments, options included (default: every benchmark at its settings). */
  @Unmatched
  List<String> arguments = new java.util.ArrayList<>();

  @Override
  public Integer call() throws Exception {
    org.openjdk.jmh.Main.main(arguments.toArray(String[]::new));
    return 0;
  }
}
