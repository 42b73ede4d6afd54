package dev.bullpen.cli;

import dev.bullpen.Bullpen;
import dev.bullpen.admin.Admin;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bullpen pause <queue>}: no worker (Bullpen's or BullMQ's) starts a job until resumed. */
@Command(
    name = "pause",
    mixinStandardHelpOptions = true,
    description = "Pause a queue: jobs keep arriving, no worker starts one until it is resumed.")
final class PauseCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RedisOption redis;

  @Parameters(index = "0", paramLabel = "QUEUE", description = "The queue's name.")
  String queue;

  @Override
  public Integer call() {
    try (Bullpen bullpen = RedisOption.connect(redis.resolve())) {
      Admin.create(bullpen).pause(queue);
    }
    spec.commandLine().getOut().println("queue " + TextTable.cell(queue) + " paused");
    spec.commandLine().getOut().flush();
    return Main.OK;
  }
}
