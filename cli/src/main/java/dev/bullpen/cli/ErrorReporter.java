package dev.bullpen.cli;

import dev.bullpen.BullpenException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns what went wrong into one line on stderr and an exit code. Bad arguments (picocli's
 * parse errors) and bad input ({@link InvalidInputException}, {@link IllegalArgumentException}
 * from a builder's validation) exit {@link Main#USAGE}; Redis and other run-time failures exit
 * {@link Main#FAILED}. The stack trace is printed only with {@code --verbose}; an unexpected
 * exception type gets a hint to use it.
 */
final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {
  private final BullpenCommand root;

  ErrorReporter(BullpenCommand root) {
    this.root = root;
  }

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println(cmd.getColorScheme().errorText(prefix(cmd) + e.getMessage()));
    UnmatchedArgumentException.printSuggestions(e, err);
    err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more"
        + " information.");
    err.flush();
    return Main.USAGE;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parseResult) {
    PrintWriter err = cmd.getErr();
    int code;
    String message;
    boolean expected = true;
    if (e instanceof InvalidInputException || e instanceof IllegalArgumentException) {
      code = Main.USAGE;
      message = e.getMessage();
    } else if (e instanceof BullpenException || e instanceof CommandFailedException) {
      code = Main.FAILED;
      message = e.getMessage();
    } else {
      code = Main.FAILED;
      message = "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage();
      expected = false;
    }
    err.println(cmd.getColorScheme().errorText(prefix(cmd) + message));
    if (root.verbose) {
      e.printStackTrace(err);
    } else if (!expected) {
      err.println("(run again with --verbose for the stack trace)");
    }
    err.flush();
    return code;
  }

  private static String prefix(CommandLine cmd) {
    return cmd.getCommandSpec().qualifiedName() + ": ";
  }
}
