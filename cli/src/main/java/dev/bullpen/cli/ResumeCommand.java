package dev.bullpen.cli;

import dev.bullpen.Bullpen;
import dev.bullpen.admin.Admin;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bullpen resume <queue>}: workers start jobs again. */
@Command(
    name = "resume",
    mixinStandardHelpOptions = true,
    description = "Resume a paused queue: workers start jobs again.")
final class ResumeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RedisOption redis;

  @Parameters(index = "0", paramLabel = "QUEUE", description = "The queue's name.")
  String queue;

  @Override
  public Integer call() {
    try (Bullpen bullpen = RedisOption.connect(redis.resolve())) {
      Admin.create(bullpen).resume(queue);
    }
    spec.commandLine().getOut().println("queue " + TextTable.cell(queue) + " resumed");
    spec.commandLine().getOut().flush();
    return Main.OK;
  }
}
