package dev.bullpen.server;

import dev.bullpen.JobState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks of path and query parameters, done before anything touches Redis. Queue names and job
 * ids refuse the characters that mean something to Redis or to paths: {@code :} (key
 * separator), {@code * ? [ ]} (glob patterns of SCAN and KEYS), <code>{ }</code> (cluster hash
 * tags), {@code / \} and the names {@code .} and {@code ..} (paths), control characters and
 * unpaired surrogates. Every number is bounded.
 */
final class Params {
  private static final Pattern WAIT = Pattern.compile("(\\d{1,7})(ms|s|m)?");
  static final int MAX_PAGE = 1000;
  /** Largest list index accepted (start, end). */
  static final long MAX_INDEX = 1_000_000_000L;
  static final String FORBIDDEN = ":*?[]{}/\\";

  private Params() {}

  static String queue(String name) {
    if (name == null || name.isEmpty() || name.length() > 256 || !clean(name)) {
      throw ApiError.badRequest("queue name must be 1 to 256 printable characters without"
          + " any of " + FORBIDDEN + " and not . or ..");
    }
    return name;
  }

  static String jobId(String id) {
    if (id == null || id.isEmpty() || id.length() > 1024 || !clean(id)) {
      throw ApiError.badRequest("job id must be 1 to 1024 printable characters without any"
          + " of " + FORBIDDEN + " and not . or ..");
    }
    return id;
  }

  /**
   * A whole-number query parameter from {@code min} to {@code max}; {@code dflt} when absent.
   * For routes that take counts and limits ({@code ?limit=50}).
   */
  static long bounded(String name, String text, long dflt, long min, long max) {
    if (text == null || text.isEmpty()) {
      return dflt;
    }
    long v;
    try {
      v = Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw ApiError.badRequest(name + " must be a whole number from " + min + " to " + max
          + ", got '" + abbreviate(text) + "'");
    }
    if (v < min || v > max) {
      throw ApiError.badRequest(name + " must be from " + min + " to " + max + ", got " + v);
    }
    return v;
  }

  /** {@code 30s}, {@code 500ms}, {@code 1m} or a number of seconds; at most {@code max}. */
  static Duration waitForChange(String text, Duration max) {
    Matcher m = WAIT.matcher(text.trim());
    if (!m.matches()) {
      throw ApiError.badRequest("waitForChange must look like 30s, 500ms or 1m, got '"
          + abbreviate(text) + "'");
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
      if (v > MAX_INDEX) {
        throw ApiError.badRequest(name + " must be at most " + MAX_INDEX + ", got " + v);
      }
      return v;
    } catch (NumberFormatException e) {
      throw ApiError.badRequest(name + " must be a whole number, got '" + abbreviate(text)
          + "'");
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

  private static boolean clean(String s) {
    if (s.equals(".") || s.equals("..")) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c) || FORBIDDEN.indexOf(c) >= 0
          || c == '\ufffd' || Character.getType(c) == Character.FORMAT) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  static String abbreviate(String s) {
    String t = s.length() > 40 ? s.substring(0, 40) + "…" : s;
    StringBuilder b = new StringBuilder();
    for (char c : t.toCharArray()) {
      b.append(Character.isISOControl(c) ? '?' : c);
    }
    return b.toString();
  }
}
