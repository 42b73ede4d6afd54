package dev.bullpen.cli;

import dev.bullpen.admin.Admin;
import picocli.CommandLine.Command;

/** {@code bullpen pause <queue>}: no worker (Bullpen's or BullMQ's) starts a job until resumed. */
@Command(
    name = "pause",
    mixinStandardHelpOptions = true,
    description = "Pause a queue: jobs keep arriving, no worker starts one until it is resumed.")
final class PauseCommand extends QueueSwitchCommand {
  @Override
  void apply(Admin admin, String queue) {
    admin.pause(queue);
  }

  @Override
  String done() {
    return "paused";
  }
}
