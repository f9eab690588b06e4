package io.batchwise.app;

import io.batchwise.schemas.TrustedPackages;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The batchwise command line. */
@Command(name = "batchwise", mixinStandardHelpOptions = true, version = "batchwise 0.1.0",
    description = "A streaming online learner for Apache Kafka with adaptive micro-batches.",
    subcommands = {DemoCommand.class, IngestCommand.class, BrokerCommand.class, TopicsCommand.class, LearnCommand.class, SnapshotsCommand.class, ScoreCommand.class, ServeCommand.class, DeadLettersCommand.class,
        io.batchwise.app.bench.BenchCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one command line and returns its exit code: 0 success, 1 failure, 2 wrong usage. */
  public static int run(String... args) {
    TrustedPackages.install();
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.setParameterExceptionHandler((e, arguments) -> {
      CommandLine command = e.getCommandLine();
      command.getErr().println(command.getCommandName() + ": " + e.getMessage() + " (see "
          + command.getCommandSpec().qualifiedName() + " --help)");
      return 2;
    });
    commandLine.setExecutionExceptionHandler((e, command, parseResult) -> {
      command.getErr().println(command.getCommandSpec().qualifiedName() + ": " + oneLine(e));
      return e instanceof IllegalArgumentException ? 2 : 1;
    });
    return commandLine.execute(args);
  }

  static String oneLine(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      message = e.getClass().getSimpleName();
    }
    return message.lines().findFirst().orElse(message);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
