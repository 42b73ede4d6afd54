package dev.bullpen.cli;

import dev.bullpen.Bullpen;
import dev.bullpen.admin.Admin;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** A command that flips one queue's state through the admin API and says what it did. */
abstract class QueueSwitchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RedisOption redis;

  @Parameters(index = "0", paramLabel = "QUEUE", description = "The queue's name.")
  String queue;

  /** Applies the change to {@code queue}. */
  abstract void apply(Admin admin, String queue);

  /** The past participle printed after it, e.g. "paused". */
  abstract String done();

  @Override
  public Integer call() {
    try (Bullpen bullpen = RedisOption.connect(redis.resolve())) {
      apply(Admin.create(bullpen), queue);
    }
    spec.commandLine().getOut().println("queue " + TextTable.cell(queue) + " " + done());
    spec.commandLine().getOut().flush();
    return Main.OK;
  }
}
