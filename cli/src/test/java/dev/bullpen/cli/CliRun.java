package dev.bullpen.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One in-process run of the {@code bullpen} command, with what it printed. */
record CliRun(int exitCode, String out, String err) {
  static CliRun of(String... args) {
    return of(Main.commandLine(), args);
  }

  static CliRun of(CommandLine cli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }
}
