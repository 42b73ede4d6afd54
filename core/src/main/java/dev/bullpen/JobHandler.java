package dev.bullpen;

/**
 * Processes one job and returns its result (any JSON-encodable value; null is stored as
 * {@code null}). Throwing fails the attempt: the job is retried by its attempts and backoff,
 * unless the exception is an {@link UnrecoverableJobException}. Throwing
 * {@link DelayJobException} puts the job back in delayed without counting the attempt.
 *
 * <p>Handlers run concurrently up to the worker's concurrency, on virtual threads when the JVM
 * has them. Processing is at least once: a job may run again after a crash or a lost lock, so
 * handlers should be idempotent.
 *
 * @param <D> the data type
 * @param <R> the result type
 */
@FunctionalInterface
public interface JobHandler<D, R> {
  R handle(Job<D> job) throws Exception;
}
