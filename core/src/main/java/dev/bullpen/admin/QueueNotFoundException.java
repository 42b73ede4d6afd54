package dev.bullpen.admin;

import dev.bullpen.BullpenException;

/**
 * The queue has no data in Redis: no job was ever added to it and nothing configured it (see
 * {@link dev.bullpen.Queue#exists()}). Admin operations refuse such a queue rather than create
 * keys for a mistyped name.
 */
public class QueueNotFoundException extends BullpenException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message naming the queue. */
  public QueueNotFoundException(String message) {
    super(message);
  }
}
