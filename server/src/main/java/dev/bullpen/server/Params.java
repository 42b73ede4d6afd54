package dev.bullpen.server;

import dev.bullpen.JobState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks of path and query parameters, done before anything touches Redis. */
final class Params {
  private static final Pattern WAIT = Pattern.compile("(\\d{1,7})(ms|s|m)?");
  static final int MAX_PAGE = 1000;

  private Params() {}

  static String queue(String name) {
    if (name == null || name.isEmpty() || name.length() > 256 || name.indexOf(':') >= 0
        || hasControl(name)) {
      throw ApiError.badRequest("queue name must be 1 to 256 printable characters without ':'");
    }
    return name;
  }

  static String jobId(String id) {
    if (id == null || id.isEmpty() || id.length() > 1024 || id.indexOf(':') >= 0
        || hasControl(id)) {
      throw ApiError.badRequest("job id must be 1 to 1024 printable characters without ':'");
    }
    return id;
  }

  /** {@code 30s}, {@code 500ms}, {@code 1m} or a number of seconds; at most {@code max}. */
  static Duration waitForChange(String text, Duration max) {
    Matcher m = WAIT.matcher(text.trim());
    if (!m.matches()) {
      throw ApiError.badRequest("waitForChange must look like 30s, 500ms or 1m, got '"
          + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    Duration d = unit.equals("ms") ? Duration.ofMillis(n)
        : unit.equals("m") ? Duration.ofMinutes(n) : Duration.ofSeconds(n);
    if (d.compareTo(max) > 0) {
      throw ApiError.badRequest("waitForChange must be at most " + max.toSeconds() + "s, got '"
          + text + "'");
    }
    return d;
  }

  static JobState state(String text) {
    if (text == null || text.isBlank()) {
      throw ApiError.badRequest("state is required: waiting, prioritized, delayed, active,"
          + " completed, failed, paused or waiting-children");
    }
    try {
      JobState s = JobState.parse(text);
      if (s == JobState.UNKNOWN) {
        throw new IllegalArgumentException("unknown is not a state jobs are listed by");
      }
      return s;
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(e.getMessage());
    }
  }

  static long index(String name, String text, long dflt) {
    if (text == null || text.isEmpty()) {
      return dflt;
    }
    try {
      long v = Long.parseLong(text);
      if (v < 0) {
        throw ApiError.badRequest(name + " must be 0 or more, got " + v);
      }
      return v;
    } catch (NumberFormatException e) {
      throw ApiError.badRequest(name + " must be a whole number, got '" + text + "'");
    }
  }

  /** The entity tags of an If-None-Match or Last-Event-ID header, without quotes or W/. */
  static List<String> etags(String header) {
    List<String> out = new ArrayList<>();
    if (header == null) {
      return out;
    }
    for (String part : header.split(",")) {
      String t = part.trim();
      if (t.startsWith("W/")) {
        t = t.substring(2);
      }
      if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
        t = t.substring(1, t.length() - 1);
      }
      if (!t.isEmpty()) {
        out.add(t);
      }
    }
    return out;
  }

  private static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }
}
