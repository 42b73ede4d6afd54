package dev.bullpen.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a duration the way people type one: {@code 1500ms}, {@code 5s}, {@code 2m}, {@code 1h},
 * {@code 1d}, a bare number of milliseconds, or ISO-8601 ({@code PT5S}).
 */
final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  static Duration parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    Matcher m = SIMPLE.matcher(v);
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        switch (unit) {
          case "s": return Duration.ofSeconds(n);
          case "m": return Duration.ofMinutes(n);
          case "h": return Duration.ofHours(n);
          case "d": return Duration.ofDays(n);
          default: return Duration.ofMillis(n);
        }
      }
      return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      throw new TypeConversionException("'" + value + "' is not a duration (examples: 500ms,"
          + " 5s, 2m, 1h, PT5S)");
    }
  }
}
