package dev.bullpen.admin;

import java.util.List;

/**
 * One page of the queue list, sorted by name (see {@link Admin#queues(int, int, String)}).
 *
 * @param total queues matching the search (all queues without one)
 * @param start the first position asked for (0-based)
 * @param end the last position asked for (inclusive)
 * @param queues the queues at positions {@code start} … {@code end} of the matches, with
 *     counts and paused flag (fewer than asked at the end of the list)
 */
public record QueuePage(long total, int start, int end, List<QueueSummary> queues) {
  /** Copies the queues. */
  public QueuePage {
    queues = List.copyOf(queues);
  }
}
