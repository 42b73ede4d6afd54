package dev.bullpen.cli;

import picocli.CommandLine;

/**
 * Entry point of the {@code bullpen} command ({@code java -jar bullpen-cli.jar}, or the
 * {@code ./bullpen} launcher at the repository root).
 *
 * <p>Exit codes: {@value #OK} on success, {@value #FAILED} when something went wrong at run time
 * (Redis unreachable, a failed operation), {@value #USAGE} for bad arguments or input (unknown
 * option, malformed JSON, an invalid value). Errors are one line on stderr; {@code --verbose}
 * adds the stack trace and debug logging.
 */
public final class Main {
  /** Exit code of a successful run. */
  public static final int OK = CommandLine.ExitCode.OK;
  /** Exit code of a run that failed at run time. */
  public static final int FAILED = CommandLine.ExitCode.SOFTWARE;
  /** Exit code of a run refused for bad arguments or input. */
  public static final int USAGE = CommandLine.ExitCode.USAGE;

  private Main() {}

  /**
   * Runs the command and exits the JVM with its exit code.
   *
   * @param args the command line, e.g. {@code demo --exit-after 20}
   */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The configured command line, ready for {@link CommandLine#execute}; tests run commands
   * in-process through it and may redirect its output with {@code setOut}/{@code setErr}.
   *
   * @return a new command line for the {@code bullpen} command and its subcommands
   */
  public static CommandLine commandLine() {
    BullpenCommand root = new BullpenCommand();
    CommandLine cli = new CommandLine(root);
    ErrorReporter errors = new ErrorReporter(root);
    cli.setExecutionExceptionHandler(errors);
    cli.setParameterExceptionHandler(errors);
    cli.setExecutionStrategy(root::execute);
    return cli;
  }
}
