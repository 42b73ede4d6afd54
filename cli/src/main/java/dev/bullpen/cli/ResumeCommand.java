package dev.bullpen.cli;

import dev.bullpen.admin.Admin;
import picocli.CommandLine.Command;

/** {@code bullpen resume <queue>}: workers start jobs again. */
@Command(
    name = "resume",
    mixinStandardHelpOptions = true,
    description = "Resume a paused queue: workers start jobs again.")
final class ResumeCommand extends QueueSwitchCommand {
  @Override
  void apply(Admin admin, String queue) {
    admin.resume(queue);
  }

  @Override
  String done() {
    return "resumed";
  }
}
