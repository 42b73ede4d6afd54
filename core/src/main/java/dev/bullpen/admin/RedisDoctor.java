package dev.bullpen.admin;

import dev.bullpen.Bullpen;
import dev.bullpen.BullpenException;
import dev.bullpen.internal.ClientAccess;
import dev.bullpen.internal.InfoText;
import dev.bullpen.internal.Keys;
import dev.bullpen.internal.RedisGateway;
import dev.bullpen.internal.RedisTarget;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks that a Redis server is fit to hold job queues and says what to change: version and the
 * commands Bullpen needs, eviction policy and evictions, memory limit, persistence, password or
 * ACL user, dangerous commands the configured user may run (FLUSHALL, FLUSHDB, CONFIG, KEYS,
 * DEBUG), the role of the server, and on a Redis Cluster the hash tags of the queues. Each
 * {@link Finding} carries a severity ({@link HealthLevel#EXCELLENT} for a passed check) and
 * advice.
 *
 * <pre>{@code
 * for (Finding f : RedisDoctor.run(bullpen)) {
 *   System.out.println(f.severity().word() + " " + f.check() + ": " + f.message());
 * }
 * }</pre>
 *
 * A run costs about fifteen commands (one INFO, COMMAND INFO, a few ACL calls, and one
 * {@code ACL DRYRUN} per dangerous command on Redis 7). Checks the configured user may not run
 * (an ACL user without {@code ACL} or {@code CONFIG}) are reported as not verified rather than
 * failed. {@link RedisMonitor#findings()} runs the doctor periodically and caches its findings.
 *
 * <p>ACL: with the least-privilege user of {@code docs/redis-acl.md}, add
 * {@code +command|info +acl|whoami} for the doctor, and {@code +acl|dryrun} so that it can
 * verify the dangerous commands ({@code +config|get} and {@code +acl|getuser} are optional: the
 * checks that need them fall back or report "not verified").
 */
public final class RedisDoctor {
  private static final Logger LOG = LoggerFactory.getLogger(RedisDoctor.class);
  /** The oldest Redis Bullpen supports. */
  public static final String MIN_VERSION = "6.2.0";
  /** Commands Bullpen's scripts, workers, events readers and admin tools send. */
  static final List<String> NEEDED = List.of("EVALSHA", "EVAL", "SCRIPT", "XADD", "XREAD",
      "XTRIM", "XLEN", "XRANGE", "BZPOPMIN", "ZADD", "ZRANGE", "ZCARD", "HSET", "HGETALL",
      "LMOVE", "LRANGE", "LLEN", "DEL", "PING", "INFO", "SCAN");
  /** Dangerous commands checked, each with harmless arguments for ACL DRYRUN. */
  static final List<List<String>> DANGEROUS = List.of(List.of("FLUSHALL"), List.of("FLUSHDB"),
      List.of("CONFIG", "SET", "maxmemory-policy", "noeviction"), List.of("KEYS", "*"),
      List.of("DEBUG", "SLEEP", "0"));

  private RedisDoctor() {}

  /**
   * Runs every check; on a Redis Cluster the hash tags of the queues found under the client's
   * prefix (a SCAN) are judged too. Never throws.
   */
  public static List<Finding> run(Bullpen bullpen) {
    List<String> queues = List.of();
    try {
      if (ClientAccess.gateway(bullpen).isCluster()) {
        queues = bullpen.queueNames();
      }
    } catch (RuntimeException e) {
      // judged without queues
    }
    return run(bullpen, queues);
  }

  /** Runs every check, judging the hash tags of {@code queues}. Never throws. */
  public static List<Finding> run(Bullpen bullpen, Collection<String> queues) {
    RedisGateway g = ClientAccess.gateway(bullpen);
    List<Map<String, String>> infos = new ArrayList<>();
    try {
      for (String text : g.infoOfEveryMaster("default")) {
        infos.add(InfoText.parse(text));
      }
    } catch (BullpenException e) {
      return List.of(new Finding("connection", HealthLevel.CRITICAL, "cannot read Redis: "
          + e.getMessage(), "Check that Redis runs at " + g.target().describe()
          + " and that the URI's user and password are right."));
    }
    try {
      return examine(g, bullpen.prefix(), infos, queues);
    } catch (RuntimeException e) {
      return List.of(new Finding("connection", HealthLevel.CRITICAL, "the checks could not"
          + " finish: " + e.getMessage(), "Check that Redis answers, and run again."));
    }
  }

  /**
   * Runs the checks and logs each problem (a warning) and a one-line summary; for start-up.
   * Never throws.
   *
   * @return the findings
   */
  public static List<Finding> runAndLog(Bullpen bullpen) {
    List<Finding> findings;
    try {
      findings = run(bullpen);
    } catch (RuntimeException e) {
      LOG.warn("redis doctor could not run: {}", e.getMessage());
      return List.of();
    }
    int problems = 0;
    for (Finding f : findings) {
      if (f.isProblem()) {
        problems++;
        LOG.warn("redis doctor: {} {}: {} {}", f.severity().word(), f.check(), f.message(),
            f.advice());
      }
    }
    LOG.info("redis doctor: {} checks, {} problems", findings.size(), problems);
    return findings;
  }

  /** The worst severity among {@code findings} ({@link HealthLevel#EXCELLENT} when none). */
  public static HealthLevel worst(Collection<Finding> findings) {
    HealthLevel h = HealthLevel.EXCELLENT;
    for (Finding f : findings) {
      h = h.worst(f.severity());
    }
    return h;
  }

  /** The checks on already-read INFO (the monitor passes its own, so no extra INFO is sent). */
  static List<Finding> examine(RedisGateway g, String prefix, List<Map<String, String>> infos,
      Collection<String> queues) {
    List<Finding> out = new ArrayList<>();
    RedisSnapshot s = RedisSnapshot.of(infos, g.isCluster(), java.time.Instant.now());
    version(s, out);
    commands(g, out);
    role(s, out);
    memory(s, out);
    persistence(g, s, out);
    String user = security(g, s, out);
    dangerous(g, s, user, out);
    if (g.isCluster()) {
      out.add(hashTags(prefix, queues));
    }
    return out;
  }

  private static void version(RedisSnapshot s, List<Finding> out) {
    if (InfoText.compareVersions(s.version(), MIN_VERSION) < 0) {
      out.add(new Finding("version", HealthLevel.CRITICAL, "Redis " + s.version()
          + " is older than " + MIN_VERSION + ", the oldest Bullpen supports.",
          "Upgrade Redis to 7.x (or at least " + MIN_VERSION + ")."));
    } else {
      out.add(ok("version", "Redis " + s.version() + " (" + s.mode() + ")"));
    }
  }

  private static void commands(RedisGateway g, List<Finding> out) {
    List<Object> info;
    try {
      info = g.call("COMMAND INFO", r -> r.commandInfo(NEEDED.toArray(String[]::new)));
    } catch (BullpenException e) {
      out.add(new Finding("commands", HealthLevel.GOOD, "could not verify the commands Bullpen"
          + " needs: COMMAND INFO was refused (" + e.getMessage() + ").",
          "Allow the user COMMAND, or check by hand that " + NEEDED + " are available."));
      return;
    }
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < NEEDED.size(); i++) {
      Object o = i < info.size() ? info.get(i) : null;
      if (o == null || (o instanceof List && ((List<?>) o).isEmpty())) {
        missing.add(NEEDED.get(i));
      }
    }
    if (missing.isEmpty()) {
      out.add(ok("commands", "every command Bullpen needs is available (" + NEEDED.size()
          + " checked)"));
    } else {
      out.add(new Finding("commands", HealthLevel.CRITICAL, "Redis does not know " + missing
          + " (renamed or disabled?).", "Undo rename-command for these commands; Bullpen"
          + " cannot run without them."));
    }
  }

  private static void role(RedisSnapshot s, List<Finding> out) {
    if ("slave".equals(s.role())) {
      out.add(new Finding("role", HealthLevel.CRITICAL, "the configured Redis is a replica:"
          + " every write fails.", "Point Bullpen at the master, or at the sentinels"
          + " (redis-sentinel://...#master) so it follows failovers."));
    }
  }

  private static void memory(RedisSnapshot s, List<Finding> out) {
    String policy = s.maxmemoryPolicy() == null ? "noeviction" : s.maxmemoryPolicy();
    if (policy.equals("noeviction")) {
      out.add(ok("eviction-policy", "maxmemory-policy is noeviction"));
    } else {
      boolean all = policy.startsWith("allkeys");
      out.add(new Finding("eviction-policy", HealthLevel.CRITICAL,
          "maxmemory-policy is " + policy + ": under memory pressure Redis "
              + (all ? "evicts any key" : "evicts keys with an expiry (job locks among them)")
              + ", and jobs get lost or run twice.",
          "CONFIG SET maxmemory-policy noeviction (and in redis.conf), and watch memory"
              + " instead."));
    }
    if (s.evictedKeys() > 0) {
      out.add(new Finding("evictions", HealthLevel.CRITICAL, "Redis has evicted "
          + s.evictedKeys() + " keys since its start (or last CONFIG RESETSTAT).",
          "Set maxmemory-policy noeviction and free memory (clean finished jobs, lower"
              + " removeOnComplete/removeOnFail limits) or raise maxmemory."));
    }
    double ratio = s.memoryRatio();
    if (Double.isNaN(ratio)) {
      out.add(new Finding("maxmemory", HealthLevel.GOOD, "no maxmemory is set: Redis grows"
          + " until the machine runs out of memory.", "Set maxmemory below the machine's"
          + " memory, with maxmemory-policy noeviction, and alert on memory use."));
    } else if (ratio > 0.8) {
      out.add(new Finding("maxmemory", HealthLevel.WARNING, String.format(Locale.ROOT,
          "Redis uses %.0f %% of its maxmemory.", ratio * 100), "Clean finished jobs, trim"
          + " event streams, or raise maxmemory."));
    } else {
      out.add(ok("maxmemory", String.format(Locale.ROOT, "Redis uses %.0f %% of its maxmemory",
          ratio * 100)));
    }
  }

  private static void persistence(RedisGateway g, RedisSnapshot s, List<Finding> out) {
    if (!s.persistenceOk()) {
      out.add(new Finding("persistence", HealthLevel.CRITICAL, "persistence is failing: last"
          + " RDB save " + s.rdbLastSaveStatus() + ", last AOF write " + s.aofLastWriteStatus()
          + ".", "Check the disk space and permissions of Redis's dir and its log; until"
          + " fixed, a restart loses jobs and Redis may refuse writes."));
      return;
    }
    if (s.aofEnabled()) {
      out.add(ok("persistence", "append-only file on, last write ok"));
      return;
    }
    String save;
    try {
      Map<String, String> conf = g.call("CONFIG GET save", r -> r.configGet("save"));
      save = conf.getOrDefault("save", "");
    } catch (BullpenException e) {
      out.add(new Finding("persistence", HealthLevel.GOOD, "the append-only file is off, and"
          + " the RDB schedule could not be read (CONFIG not permitted).", "Check that"
          + " 'save' is set, or turn on appendonly yes for at most a second of lost jobs."));
      return;
    }
    if (save.isBlank()) {
      out.add(new Finding("persistence", HealthLevel.WARNING, "no persistence: the"
          + " append-only file is off and no RDB save points are set, so a restart loses every"
          + " job.", "CONFIG SET appendonly yes (and in redis.conf), or set save points."));
    } else {
      out.add(new Finding("persistence", HealthLevel.GOOD, "RDB snapshots only (save " + save
          + "): a crash loses the jobs written since the last snapshot.", "Consider"
          + " appendonly yes (appendfsync everysec) for at most a second of loss."));
    }
  }

  /** Checks the password/ACL user; returns the connected user, or null if unknown. */
  private static String security(RedisGateway g, RedisSnapshot s, List<Finding> out) {
    String user;
    try {
      user = g.call("ACL WHOAMI", r -> r.aclWhoami());
    } catch (BullpenException e) {
      out.add(new Finding("auth", HealthLevel.GOOD, "could not tell which user Bullpen is"
          + " connected as (ACL WHOAMI: " + e.getMessage() + ").", "Use Redis 6+ with an ACL"
          + " user for Bullpen."));
      return null;
    }
    if (!"default".equals(user)) {
      out.add(ok("auth", "connected as ACL user '" + user + "'"));
      return user;
    }
    Boolean nopass = null;
    try {
      List<Object> desc = g.call("ACL GETUSER default", r -> r.aclGetuser("default"));
      nopass = String.valueOf(desc).contains("nopass");
    } catch (BullpenException e) {
      // not permitted: judge by whether our URI carries a password
    }
    if (nopass == null) {
      nopass = !hasPassword(g.target());
    }
    if (nopass) {
      out.add(new Finding("auth", HealthLevel.WARNING, "Redis has no password: anyone who"
          + " reaches its port can read, change or delete every job.", "Create an ACL user for"
          + " Bullpen with the least-privilege rule in docs/redis-acl.md (or at least set"
          + " requirepass), and put it in the URI: redis://bullpen:secret@host:6379."));
    } else {
      out.add(new Finding("auth", HealthLevel.GOOD, "connected as the default user with"
          + " requirepass.", "An ACL user with the least-privilege rule in docs/redis-acl.md"
          + " limits what a leaked password can do."));
    }
    return user;
  }

  private static boolean hasPassword(RedisTarget t) {
    List<RedisURI> uris = t.kind() == RedisTarget.Kind.CLUSTER ? t.seeds() : List.of(t.uri());
    for (RedisURI u : uris) {
      if (u.getCredentialsProvider()
          instanceof RedisCredentialsProvider.ImmediateRedisCredentialsProvider p
          && p.resolveCredentialsNow().hasPassword()) {
        return true;
      }
    }
    return false;
  }

  private static void dangerous(RedisGateway g, RedisSnapshot s, String user,
      List<Finding> out) {
    String names = "FLUSHALL, FLUSHDB, CONFIG, KEYS, DEBUG";
    if (user == null || InfoText.compareVersions(s.version(), "7.0.0") < 0) {
      out.add(new Finding("dangerous-commands", HealthLevel.GOOD, "could not verify whether"
          + " the user may run " + names + " (needs Redis 7's ACL DRYRUN).", "Give Bullpen an"
          + " ACL user with the least-privilege rule in docs/redis-acl.md."));
      return;
    }
    List<String> reachable = new ArrayList<>();
    for (List<String> cmd : DANGEROUS) {
      String answer;
      try {
        answer = g.call("ACL DRYRUN " + user + " " + cmd.get(0), r -> {
          CommandArgs<String, String> a = new CommandArgs<>(StringCodec.UTF8).add("DRYRUN")
              .add(user);
          for (String part : cmd) {
            a.add(part);
          }
          return r.dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8), a);
        });
      } catch (BullpenException e) {
        out.add(new Finding("dangerous-commands", HealthLevel.GOOD, "could not verify whether"
            + " user '" + user + "' may run " + names + ": ACL DRYRUN was refused ("
            + e.getMessage() + ").", "Allow the user +acl|dryrun, or check its ACL by hand"
            + " (ACL GETUSER " + user + ") against docs/redis-acl.md."));
        return;
      }
      if ("OK".equals(answer)) {
        reachable.add(cmd.get(0));
      }
    }
    if (reachable.isEmpty()) {
      out.add(ok("dangerous-commands", "user '" + user + "' may not run " + names));
    } else {
      out.add(new Finding("dangerous-commands", HealthLevel.WARNING, "user '" + user
          + "' may run " + String.join(", ", reachable) + ": a bug or a leaked password can"
          + " wipe or reconfigure the server.", "Connect as an ACL user without them: the"
          + " least-privilege rule in docs/redis-acl.md."));
    }
  }

  /** On a cluster: every queue needs a hash tag so that its keys share one slot. */
  static Finding hashTags(String prefix, Collection<String> queues) {
    List<String> untagged = new ArrayList<>();
    for (String q : queues) {
      if (Keys.hashTag(prefix, q) == null) {
        untagged.add(q);
      }
    }
    if (untagged.isEmpty()) {
      return ok("cluster-hash-tags", "every queue (" + queues.size() + ") has a hash tag");
    }
    return new Finding("cluster-hash-tags", HealthLevel.CRITICAL, "queues without a hash tag on"
        + " a Redis Cluster: " + untagged + "; their keys spread over slots and the scripts"
        + " fail with CROSSSLOT.", "Rename them with a tag in braces, e.g. '{" + untagged.get(0)
        .replace("{", "").replace("}", "") + "}', and move their jobs over.");
  }

  private static Finding ok(String check, String message) {
    return new Finding(check, HealthLevel.EXCELLENT, message, "");
  }
}
