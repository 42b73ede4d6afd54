package dev.bullpen.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The dashboard's HTML shell ({@code GET /dashboard}): a static page whose scripts call the admin
 * API. The only thing filled in on the server is the uPlot WebJar's version, read from the jar's
 * own Maven metadata, so that bumping the dependency cannot leave the page pointing at a path
 * that no longer exists.
 */
final class DashboardPage {
  private static final String UPLOT_POM =
      "/META-INF/maven/org.webjars.npm/uplot/pom.properties";

  private DashboardPage() {}

  /** The page, with {@code {{uplot}}} replaced by the WebJar's version. */
  static String html() {
    return BullpenServer.resource("dashboard.html").replace("{{uplot}}", uplotVersion());
  }

  static String uplotVersion() {
    try (InputStream in = DashboardPage.class.getResourceAsStream(UPLOT_POM)) {
      if (in == null) {
        throw new IllegalStateException("missing " + UPLOT_POM + ": the dashboard needs the"
            + " org.webjars.npm:uplot jar on the class path");
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version");
      if (v == null || !v.matches("[0-9A-Za-z.+-]+")) {
        throw new IllegalStateException("unreadable uplot version in " + UPLOT_POM + ": " + v);
      }
      return v;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
