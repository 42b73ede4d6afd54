package dev.bullpen.cli;

import dev.bullpen.server.ApiTokens;
import dev.bullpen.server.Role;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bullpen token}: prints a new random bearer token and the entry that configures a
 * server with its hash. The token is shown once and stored nowhere.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = {
      "Make a new bearer token for 'bullpen serve': prints the token (give it to its holder;"
          + " it is shown once) and its hash entry for --grant or $BULLPEN_TOKENS (the server"
          + " keeps only the hash)."
    })
final class TokenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--name", paramLabel = "NAME", defaultValue = "token",
      description = "Who holds it, shown in the audit log (default: ${DEFAULT-VALUE}).")
  String name;

  @Option(names = "--role", paramLabel = "ROLE", defaultValue = "viewer",
      description = "viewer, operator or admin (default: ${DEFAULT-VALUE}).")
  String role;

  @Override
  public Integer call() {
    Role r;
    try {
      r = Role.ofTokenWord(role);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(e.getMessage(), e);
    }
    if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
      throw new InvalidInputException("--name must be 1 to 64 of A-Z a-z 0-9 _ . -, got '"
          + name + "'");
    }
    String token = ApiTokens.generate();
    String entry = name + ":" + r.word() + ":" + ApiTokens.hash(token);
    PrintWriter out = spec.commandLine().getOut();
    out.println("token: " + token);
    out.println("grant: " + entry);
    out.println();
    out.println("Give the token to its holder (Authorization: Bearer <token>); configure the"
        + " server with the grant: --grant " + entry + " or BULLPEN_TOKENS=" + entry);
    out.flush();
    return Main.OK;
  }
}
