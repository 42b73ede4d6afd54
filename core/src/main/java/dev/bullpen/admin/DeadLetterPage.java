package dev.bullpen.admin;

import java.util.List;

/**
 * One page of a queue's dead letters (its failed jobs), newest first.
 *
 * @param queue the queue's name
 * @param total dead letters in the queue
 * @param jobs the page
 */
public record DeadLetterPage(String queue, long total, List<DeadLetter> jobs) {
  /** Copies the page. */
  public DeadLetterPage {
    jobs = List.copyOf(jobs);
  }
}
