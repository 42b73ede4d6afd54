package dev.bullpen.internal;

/** Every script Bullpen runs, assembled once per process. */
public final class Scripts {
  public final LuaScript addJobs;
  public final LuaScript moveToActive;
  public final LuaScript moveToFinished;
  public final LuaScript completeJobs;
  public final LuaScript retryJob;
  public final LuaScript moveToDelayed;
  public final LuaScript extendLocks;
  public final LuaScript moveStalledJobsToWait;
  public final LuaScript moveJobFromActiveToWait;
  public final LuaScript pause;
  public final LuaScript getCounts;
  public final LuaScript getState;
  public final LuaScript updateProgress;
  public final LuaScript addLog;
  public final LuaScript removeJob;
  public final LuaScript reprocessJob;
  public final LuaScript moveJobsToWait;
  public final LuaScript promote;
  public final LuaScript cleanJobsInSet;
  public final LuaScript drain;
  public final LuaScript obliterate;

  /** Names of all scripts, for tests that load every one into a real server. */
  public static final String[] NAMES = {
    "addJobs", "moveToActive", "moveToFinished", "completeJobs", "retryJob", "moveToDelayed", "extendLocks",
    "moveStalledJobsToWait", "moveJobFromActiveToWait", "pause", "getCounts", "getState",
    "updateProgress", "addLog", "removeJob", "reprocessJob", "moveJobsToWait", "promote",
    "cleanJobsInSet", "drain", "obliterate"
  };

  public Scripts(ScriptLoader loader) {
    addJobs = loader.load("addJobs");
    moveToActive = loader.load("moveToActive");
    moveToFinished = loader.load("moveToFinished");
    completeJobs = loader.load("completeJobs");
    retryJob = loader.load("retryJob");
    moveToDelayed = loader.load("moveToDelayed");
    extendLocks = loader.load("extendLocks");
    moveStalledJobsToWait = loader.load("moveStalledJobsToWait");
    moveJobFromActiveToWait = loader.load("moveJobFromActiveToWait");
    pause = loader.load("pause");
    getCounts = loader.load("getCounts");
    getState = loader.load("getState");
    updateProgress = loader.load("updateProgress");
    addLog = loader.load("addLog");
    removeJob = loader.load("removeJob");
    reprocessJob = loader.load("reprocessJob");
    moveJobsToWait = loader.load("moveJobsToWait");
    promote = loader.load("promote");
    cleanJobsInSet = loader.load("cleanJobsInSet");
    drain = loader.load("drain");
    obliterate = loader.load("obliterate");
  }
}
