package dev.bullpen.cli;

import dev.bullpen.admin.ProgressListener;
import java.io.PrintWriter;

/**
 * Draws a long admin operation's progress on stderr, redrawn in place:
 * {@code retrying [##########----------]  50% 250/500}. Fed by the admin API's
 * {@link ProgressListener} after every batch; {@link #finish} ends the line.
 */
final class ProgressBar implements ProgressListener {
  static final int WIDTH = 30;

  private final PrintWriter err;
  private final String label;
  private boolean drawn;

  ProgressBar(PrintWriter err, String label) {
    this.err = err;
    this.label = label;
  }

  @Override
  public void onProgress(long done, long total) {
    err.print("\r" + render(label, done, total));
    err.flush();
    drawn = true;
  }

  /** Ends the bar's line, if one was drawn. */
  void finish() {
    if (drawn) {
      err.println();
      err.flush();
    }
  }

  /** One frame of the bar; a total of 0 counts as done. */
  static String render(String label, long done, long total) {
    double f = total <= 0 ? 1.0 : Math.min(1.0, (double) done / total);
    int filled = (int) Math.round(f * WIDTH);
    return String.format("%s [%s%s] %3d%% %d/%d", label, "#".repeat(filled),
        "-".repeat(WIDTH - filled), Math.round(f * 100), done, Math.max(done, total));
  }
}
