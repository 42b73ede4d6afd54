package dev.bullpen.internal.coordinator;

import dev.bullpen.internal.LuaScript;
import dev.bullpen.internal.ScriptLoader;

/** The coordinator's own Lua scripts (resources under {@code dev/bullpen/lua/coordinator}). */
final class CoordinatorScripts {
  /** Every script name, for tests that load each one into a real server. */
  static final String[] NAMES = {"leaderAcquire", "lockExtend", "lockRelease", "fencedTrim",
    "fenceCheck", "fencedMetrics", "poolRegister", "jobTimings"};

  private static volatile CoordinatorScripts instance;

  final LuaScript leaderAcquire;
  final LuaScript lockExtend;
  final LuaScript lockRelease;
  final LuaScript fencedTrim;
  final LuaScript fenceCheck;
  final LuaScript fencedMetrics;
  final LuaScript poolRegister;
  final LuaScript jobTimings;

  private CoordinatorScripts(ScriptLoader loader) {
    leaderAcquire = loader.load("coordinator/leaderAcquire");
    lockExtend = loader.load("coordinator/lockExtend");
    lockRelease = loader.load("coordinator/lockRelease");
    fencedTrim = loader.load("coordinator/fencedTrim");
    fenceCheck = loader.load("coordinator/fenceCheck");
    fencedMetrics = loader.load("coordinator/fencedMetrics");
    poolRegister = loader.load("coordinator/poolRegister");
    jobTimings = loader.load("coordinator/jobTimings");
  }

  /** The scripts, assembled once per process. */
  static CoordinatorScripts get() {
    CoordinatorScripts s = instance;
    if (s == null) {
      synchronized (CoordinatorScripts.class) {
        s = instance;
        if (s == null) {
          s = new CoordinatorScripts(new ScriptLoader());
          instance = s;
        }
      }
    }
    return s;
  }
}
