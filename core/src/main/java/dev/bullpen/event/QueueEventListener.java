package dev.bullpen.event;

/**
 * Receives a queue's events from {@link dev.bullpen.QueueEvents}.
 *
 * <p>Contract: called on the events reader's thread, in stream order, each event once per
 * listener (delivery is at most once: events trimmed from the stream or written while the
 * reader was disconnected for longer than the stream keeps them are missed). Must be fast and
 * must not throw; exceptions are logged and ignored.
 */
@FunctionalInterface
public interface QueueEventListener {
  void onEvent(QueueEvent event);
}
