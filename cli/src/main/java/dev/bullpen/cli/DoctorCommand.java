package dev.bullpen.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bullpen.Bullpen;
import dev.bullpen.RedisUnavailableException;
import dev.bullpen.admin.Alert;
import dev.bullpen.admin.Finding;
import dev.bullpen.admin.HealthLevel;
import dev.bullpen.admin.RedisMonitor;
import dev.bullpen.admin.RedisReport;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bullpen doctor}: checks the Redis server for running job queues (version and commands,
 * eviction policy, memory, persistence, password and ACL, dangerous commands, cluster hash tags)
 * and shows the Redis alerts that fire now. Exits 1 when anything is critical.
 */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {"Check that Redis is fit for job queues, and say what to change.",
      "Exit code 1 when a finding or alert is critical (with --strict: also on warnings)."})
final class DoctorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RedisOption redis;

  @Option(names = "--queue", paramLabel = "QUEUE",
      description = "A queue to check (repeatable). Default: every queue found in Redis.")
  List<String> queues;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Option(names = "--strict", description = "Also fail (exit 1) on warnings.")
  boolean strict;

  @Override
  public Integer call() {
    String uri = redis.resolve();
    RedisReport report;
    try (Bullpen bullpen = connect(uri)) {
      RedisMonitor.Builder b = RedisMonitor.builder(bullpen);
      if (queues != null) {
        try {
          b.queues(queues);
        } catch (IllegalArgumentException e) {
          throw new InvalidInputException(e.getMessage(), e);
        }
      }
      report = b.build().report();
    }
    HealthLevel worst = report.health();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(json(report));
    } else {
      print(out, uri, report);
    }
    out.flush();
    boolean fail = worst == HealthLevel.CRITICAL || (strict && worst == HealthLevel.WARNING);
    return fail ? Main.FAILED : Main.OK;
  }

  private static Bullpen connect(String uri) {
    try {
      // the doctor reports on the server itself: no start-up warnings on top
      return Bullpen.builder().uri(uri).checkServer(false).build();
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("invalid Redis URI: " + e.getMessage(), e);
    } catch (RedisUnavailableException e) {
      throw new RedisUnavailableException(e.getMessage() + "; start Redis there, or point"
          + " --redis or $" + RedisOption.ENV + " at one", e);
    }
  }

  static void print(PrintWriter out, String uri, RedisReport r) {
    String what = r.server() == null ? "" : " (Redis " + r.server().version() + ", "
        + r.server().mode() + ")";
    out.println("redis doctor: " + RedisOption.redact(uri) + what);
    int problems = 0;
    for (Finding f : r.findings()) {
      out.printf("  %-9s %-21s %s%n", label(f.severity()), f.check(), f.message());
      if (f.isProblem()) {
        problems++;
        out.printf("  %-9s %-21s -> %s%n", "", "", f.advice());
      }
    }
    if (!r.alerts().isEmpty()) {
      out.println("alerts firing now:");
      for (Alert a : r.alerts()) {
        out.printf("  %-9s %-21s %s%n", label(a.level()), a.rule(), a.message());
      }
    }
    out.println(problems == 0 && r.alerts().isEmpty() ? "healthy: no problems found"
        : problems + " problem(s), " + r.alerts().size() + " alert(s); worst: "
            + r.health().word());
  }

  private static String label(HealthLevel level) {
    switch (level) {
      case EXCELLENT:
        return "ok";
      case GOOD:
        return "info";
      default:
        return level.name();
    }
  }

  static String json(RedisReport r) {
    ObjectMapper m = new ObjectMapper();
    ObjectNode n = m.createObjectNode();
    n.put("health", r.health().word());
    ArrayNode findings = n.putArray("findings");
    for (Finding f : r.findings()) {
      ObjectNode o = findings.addObject();
      o.put("check", f.check());
      o.put("severity", f.severity().word());
      o.put("message", f.message());
      o.put("advice", f.advice());
    }
    ArrayNode alerts = n.putArray("alerts");
    for (Alert a : r.alerts()) {
      ObjectNode o = alerts.addObject();
      o.put("rule", a.rule());
      o.put("subject", a.subject());
      o.put("level", a.level().word());
      o.put("message", a.message());
      if (Double.isNaN(a.value())) {
        o.putNull("value");
      } else {
        o.put("value", a.value());
      }
      if (Double.isNaN(a.threshold())) {
        o.putNull("threshold");
      } else {
        o.put("threshold", a.threshold());
      }
      o.put("since", a.since().toEpochMilli());
    }
    return n.toString();
  }
}
