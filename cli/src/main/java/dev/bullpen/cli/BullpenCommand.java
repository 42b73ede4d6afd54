package dev.bullpen.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The top-level {@code bullpen} command: holds the options every subcommand shares and lists the
 * subcommands. New subcommands ({@code serve}, {@code worker}, ...) are one class each, added to
 * {@code subcommands} below.
 */
@Command(
    name = "bullpen",
    mixinStandardHelpOptions = true,
    versionProvider = BullpenCommand.Version.class,
    description = "Job queues on Redis, data-compatible with BullMQ v6.",
    subcommands = {
      DemoCommand.class,
      ServeCommand.class,
      StatsCommand.class,
      AddCommand.class,
      JobsCommand.class,
      RetryCommand.class,
      PauseCommand.class,
      ResumeCommand.class,
      CleanCommand.class,
      DoctorCommand.class,
      TokenCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Redis: --redis URI, else $BULLPEN_REDIS_URL, else redis://127.0.0.1:6379 (the demo starts"
          + " a private redis-server when neither is set and nothing answers there).",
      "Exit codes: 0 ok, 1 failed, 2 bad arguments or input."
    })
final class BullpenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Debug logging, and stack traces with errors.")
  boolean verbose;

  /** {@code bullpen} alone is a usage error: it needs a subcommand; shows the usage. */
  @Override
  public Integer call() {
    CommandLine cli = spec.commandLine();
    cli.getErr().println(cli.getColorScheme().errorText("bullpen: missing a command, e.g."
        + " 'bullpen demo'"));
    cli.usage(cli.getErr());
    return Main.USAGE;
  }

  /** Applies global options (logging) before the chosen subcommand runs. */
  int execute(ParseResult parseResult) {
    if (verbose) {
      // slf4j-simple reads system properties when the first logger is made, which happens
      // after parsing (no Bullpen class is loaded yet); in-process runs keep their level.
      System.setProperty("org.slf4j.simpleLogger.log.dev.bullpen", "debug");
    }
    return new CommandLine.RunLast().execute(parseResult);
  }

  /** The version from the jar's build (resource filtered by Maven). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      Properties p = new Properties();
      try (InputStream in = BullpenCommand.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      } catch (IOException e) {
        // fall through to "unknown"
      }
      return new String[] {"bullpen " + p.getProperty("version", "(unknown version)"),
        "Java " + System.getProperty("java.version")};
    }
  }
}
