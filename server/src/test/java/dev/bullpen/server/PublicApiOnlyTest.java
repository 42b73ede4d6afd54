package dev.bullpen.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The server uses core's public API only: no class of it refers to dev.bullpen.internal. */
class PublicApiOnlyTest {
  @Test
  void noServerClassReferencesCoreInternals() throws IOException, URISyntaxException {
    Path classes = Path.of(BullpenServer.class.getProtectionDomain().getCodeSource()
        .getLocation().toURI());
    List<String> offenders;
    try (Stream<Path> files = Files.walk(classes)) {
      offenders = files.filter(f -> f.toString().endsWith(".class")).filter(f -> {
        try {
          // Class references sit in the constant pool as UTF-8 internal names.
          return new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)
              .contains("dev/bullpen/internal/");
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).map(Path::toString).collect(Collectors.toList());
    }
    assertThat(offenders).isEmpty();
    assertThat(java.lang.reflect.Modifier.isPublic(JobRoutes.class.getModifiers())).isFalse();
  }
}
