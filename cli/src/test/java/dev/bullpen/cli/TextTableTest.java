package dev.bullpen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TextTableTest {
  private static String print(TextTable t) {
    StringWriter w = new StringWriter();
    t.print(new PrintWriter(w, true));
    return w.toString();
  }

  @Test
  void alignsNumbersRightAndTextLeft() {
    TextTable t = new TextTable("NAME", "#COUNT", "NOTE").row("emails", 7, "x")
        .row("a", 12345, null);
    assertThat(print(t)).isEqualTo(""
        + "NAME    COUNT  NOTE\n"
        + "emails      7  x\n"
        + "a       12345  -\n");
  }

  @Test
  void hostileCellsCannotBreakTheLayout() {
    assertThat(TextTable.cell("a\nb\u001b[31mc")).isEqualTo("a?b?[31mc");
    String longCell = TextTable.cell("x".repeat(500));
    assertThat(longCell).hasSize(TextTable.MAX_CELL).endsWith("…");
  }

  @Test
  void progressBarFramesShowShareAndCounts() {
    assertThat(ProgressBar.render("cleaning", 0, 10))
        .isEqualTo("cleaning [" + "-".repeat(30) + "]   0% 0/10");
    assertThat(ProgressBar.render("cleaning", 5, 10))
        .isEqualTo("cleaning [" + "#".repeat(15) + "-".repeat(15) + "]  50% 5/10");
    assertThat(ProgressBar.render("x", 0, 0)).contains("100% 0/0");
    assertThat(ProgressBar.render("x", 12, 10)).contains("100% 12/12");
  }
}
