package io.batchwise.app;

import org.apache.kafka.common.config.ConfigException;

import io.batchwise.schemas.TrustedPackages;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The batchwise command line. */
@Command(name = "batchwise", mixinStandardHelpOptions = true, version = "batchwise 0.1.0",
    description = "A streaming online learner for Apache Kafka with adaptive micro-batches.",
    subcommands = {DemoCommand.class, IngestCommand.class, BrokerCommand.class, TopicsCommand.class, LearnCommand.class, SnapshotsCommand.class, ScoreCommand.class, ServeCommand.class, DeadLettersCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one command line and returns its exit code: 0 success, 1 failure, 2 wrong usage. */
  public static int run(String... args) {
    return execute(new CommandLine(new Main()), args);
  }

  /**
   * Runs a command line with batchwise's error handling: a wrong flag or a failure is one line on stderr (the
   * command's name and what went wrong), exit code 2 for wrong usage, 1 for a failure.
   */
  public static int execute(CommandLine commandLine, String... args) {
    TrustedPackages.install();
    commandLine.setParameterExceptionHandler((e, arguments) -> {
      CommandLine command = e.getCommandLine();
      command.getErr().println(command.getCommandName() + ": " + e.getMessage() + " (see "
          + command.getCommandSpec().qualifiedName() + " --help)");
      return 2;
    });
    commandLine.setExecutionExceptionHandler((e, command, parseResult) -> {
      command.getErr().println(command.getCommandSpec().qualifiedName() + ": " + oneLine(e));
      // a setting of the wrong type or out of range is wrong usage too
      return e instanceof IllegalArgumentException || e instanceof ConfigException ? 2 : 1;
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
