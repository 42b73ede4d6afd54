package dev.bullpen.admin;

/**
 * What one queue costs in Redis, estimated. The memory figure is {@code MEMORY USAGE} of the
 * queue's own keys (state lists and sets, events stream, meta, id, ...) plus the mean
 * {@code MEMORY USAGE} of a bounded sample of its job hashes times its number of jobs: a few
 * dozen commands per queue however many jobs it has. Redis itself samples the elements of large
 * keys ({@code MEMORY USAGE}'s default of 5), so treat the figure as an estimate.
 *
 * @param queue the queue's name
 * @param memoryBytes the estimated memory of the queue, job hashes included
 * @param eventsLength entries in the queue's events stream ({@code XLEN})
 * @param jobs jobs counted in the queue's state lists and sets
 * @param sampledJobs job hashes measured for the estimate
 */
public record QueueRedisFigures(String queue, long memoryBytes, long eventsLength, long jobs,
    int sampledJobs) {}
