package dev.bullpen.cli;

import dev.bullpen.BullpenException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an exception thrown by a command into one line on stderr and an exit code: bad input
 * ({@link InvalidInputException}, {@link IllegalArgumentException} from a builder's validation)
 * exits {@link Main#USAGE}; Redis and other run-time failures exit {@link Main#FAILED}. The
 * stack trace is printed only with {@code --verbose}; an unexpected exception type gets a hint
 * to use it.
 */
final class ErrorReporter implements IExecutionExceptionHandler {
  private final BullpenCommand root;

  ErrorReporter(BullpenCommand root) {
    this.root = root;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parseResult) {
    PrintWriter err = cmd.getErr();
    int code;
    String message;
    if (e instanceof InvalidInputException || e instanceof IllegalArgumentException) {
      code = Main.USAGE;
      message = e.getMessage();
    } else if (e instanceof BullpenException || e instanceof CommandFailedException) {
      code = Main.FAILED;
      message = e.getMessage();
    } else {
      code = Main.FAILED;
      message = "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    err.println(cmd.getColorScheme().errorText(cmd.getCommandName().equals("bullpen")
        ? "bullpen: " + message
        : "bullpen " + cmd.getCommandName() + ": " + message));
    if (root.verbose) {
      e.printStackTrace(err);
    } else if (code == Main.FAILED && !(e instanceof BullpenException
        || e instanceof CommandFailedException)) {
      err.println("(run again with --verbose for the stack trace)");
    }
    err.flush();
    return code;
  }
}
