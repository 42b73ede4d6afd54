package dev.bullpen.status;

import java.util.List;

/**
 * The newest rows of a job's log, oldest first.
 *
 * @param rows the rows (at most {@link StatusOptions#maxLogRows()})
 * @param stale true when Redis could not be read and these are the last rows known
 */
public record JobLogs(List<String> rows, boolean stale) {
  /** Copies {@code rows}. */
  public JobLogs {
    rows = List.copyOf(rows);
  }
}
