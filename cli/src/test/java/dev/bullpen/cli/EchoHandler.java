package dev.bullpen.cli;

import dev.bullpen.Job;
import dev.bullpen.JobHandler;
import java.util.Map;

/** A handler for {@code serve --worker} tests: returns its data under "echo". */
public final class EchoHandler implements JobHandler<Object, Object> {
  @Override
  public Object handle(Job<Object> job) {
    return Map.of("echo", job.data());
  }
}
