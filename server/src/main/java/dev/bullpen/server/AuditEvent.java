package dev.bullpen.server;

import java.time.Instant;

/**
 * One action on an operator or admin route (any method but GET), allowed or refused, as the
 * audit log records it. By default each goes to the logger {@code dev.bullpen.audit} at INFO as
 * {@link #toLogLine()}; {@link ServerOptions.Builder#auditSink} sends them elsewhere.
 *
 * @param time when the answer was decided
 * @param principal who: the token's name, {@code open} in open mode, or {@code anonymous}
 * @param role the caller's role word ({@code viewer}, {@code operator}, {@code admin}) or
 *     {@code none}
 * @param clientIp the remote address of the connection
 * @param method the HTTP method
 * @param path the request path (without the query string)
 * @param status the HTTP status answered
 */
public record AuditEvent(Instant time, String principal, String role, String clientIp,
    String method, String path, int status) {

  /**
   * One line: {@code time principal/role ip method path status}; control characters and spaces
   * in the path are percent-escaped so a line can never be forged.
   */
  public String toLogLine() {
    return time + " " + clean(principal) + "/" + clean(role) + " " + clean(clientIp) + " "
        + clean(method) + " " + clean(path) + " " + status;
  }

  private static String clean(String s) {
    if (s == null) {
      return "-";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length() && b.length() < 2048; i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c == 0x7f || Character.isISOControl(c)) {
        b.append('%').append(String.format("%02X", (int) c & 0xff));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
