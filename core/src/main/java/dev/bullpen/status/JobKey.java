package dev.bullpen.status;

/** A job's identity across queues. */
record JobKey(String queue, String id) {}
