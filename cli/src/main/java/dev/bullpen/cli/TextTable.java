package dev.bullpen.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table with aligned columns: numbers right-aligned, text left-aligned, two spaces
 * between columns, cells cut to {@link #MAX_CELL} characters (with an ellipsis) and control
 * characters shown as '?', so a hostile job name cannot break the layout or the terminal.
 */
final class TextTable {
  static final int MAX_CELL = 60;

  private final List<String> headers;
  private final boolean[] numeric;
  private final List<String[]> rows = new ArrayList<>();

  /** Columns by header; a header starting with '#' is numeric (right-aligned), '#' dropped. */
  TextTable(String... headers) {
    this.headers = new ArrayList<>();
    this.numeric = new boolean[headers.length];
    for (int i = 0; i < headers.length; i++) {
      numeric[i] = headers[i].startsWith("#");
      this.headers.add(numeric[i] ? headers[i].substring(1) : headers[i]);
    }
  }

  TextTable row(Object... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException("a row needs " + headers.size() + " cells");
    }
    String[] r = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      r[i] = cell(cells[i]);
    }
    rows.add(r);
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  void print(PrintWriter out) {
    int[] width = new int[headers.size()];
    for (int i = 0; i < width.length; i++) {
      width[i] = headers.get(i).length();
      for (String[] r : rows) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    out.println(line(headers.toArray(new String[0]), width));
    for (String[] r : rows) {
      out.println(line(r, width));
    }
  }

  private String line(String[] cells, int[] width) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      boolean last = i == cells.length - 1;
      String pad = " ".repeat(width[i] - cells[i].length());
      if (numeric[i]) {
        sb.append(pad).append(cells[i]);
      } else {
        sb.append(cells[i]).append(last ? "" : pad);
      }
      if (!last) {
        sb.append("  ");
      }
    }
    return sb.toString().stripTrailing();
  }

  /** A cell's text: null as '-', control characters as '?', at most MAX_CELL characters. */
  static String cell(Object value) {
    if (value == null) {
      return "-";
    }
    String s = value.toString();
    StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_CELL));
    for (int i = 0; i < s.length() && sb.length() < MAX_CELL; i++) {
      char c = s.charAt(i);
      sb.append(Character.isISOControl(c) ? '?' : c);
    }
    if (s.length() > MAX_CELL) {
      sb.setLength(MAX_CELL - 1);
      sb.append('…');
    }
    return sb.toString();
  }
}
