package io.batchwise.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * The micro-benchmarks under JMH (package io.batchwise.bench.jmh): the learning step and the policy decision,
 * the two costs per update that a stream pays at B = 1. Every argument but {@code --json} goes to JMH's own
 * command line.
 */
@Command(name = "jmh", mixinStandardHelpOptions = true,
    description = "JMH micro-benchmarks (learner step, policy decision); other arguments go to JMH, e.g. "
        + "'PolicyDecision -f 1'; '-lh' lists JMH's options.")
public final class JmhCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Also write each benchmark's score and error as JSON to this file.")
  Path json;

  /** JMH's arguments, options included (default: every benchmark at its settings). */
  @Unmatched
  List<String> arguments = new ArrayList<>();

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    CommandLineOptions options = new CommandLineOptions(arguments.toArray(String[]::new));
    if (options.shouldHelp() || options.shouldList() || options.shouldListWithParams() || options.shouldListProfilers()
        || options.shouldListResultFormats()) {
      org.openjdk.jmh.Main.main(arguments.toArray(String[]::new));
      return 0;
    }
    List<Map<String, Object>> results = new ArrayList<>();
    for (RunResult run : new Runner(options).run()) {
      Result<?> primary = run.getPrimaryResult();
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("benchmark", run.getParams().getBenchmark().replaceFirst("^io\\.batchwise\\.bench\\.jmh\\.", ""));
      Map<String, String> params = new LinkedHashMap<>();
      for (String key : run.getParams().getParamsKeys()) {
        params.put(key, run.getParams().getParam(key));
      }
      r.put("params", params);
      r.put("mode", run.getParams().getMode().shortLabel());
      r.put("score", primary.getScore());
      r.put("error", primary.getScoreError());
      r.put("unit", primary.getScoreUnit());
      results.add(r);
    }
    if (json != null) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("run", BenchRun.describe("jmh", spec.commandLine().getParseResult().originalArgs()));
      doc.put("results", results);
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), doc);
      System.out.println("wrote " + json);
    }
    return 0;
  }
}
