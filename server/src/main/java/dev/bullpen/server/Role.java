package dev.bullpen.server;

/**
 * What a caller may do; each route declares the least role it needs. Roles are ordered: an
 * operator may do all a viewer may, an admin all an operator may.
 */
enum Role {
  /** Reads that anyone may make who may see the server: job status, the job page, health. */
  PUBLIC,
  /** Reads of queues, lists, stats and the dashboard. */
  VIEWER,
  /** Day-to-day actions: add, retry, promote, pause, resume. */
  OPERATOR,
  /** Destructive or wide actions: remove, clean, retry-all, dead-letter requeue, Redis doctor. */
  ADMIN;

  boolean allows(Role needed) {
    return ordinal() >= needed.ordinal();
  }
}
