package dev.bullpen.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Assembles Lua scripts from the resources under {@code dev/bullpen/lua}: a line
 * {@code --@include name} is replaced by {@code includes/name.lua}, recursively, each include at
 * most once per script (later mentions are dropped), and a cycle is an error.
 *
 * <p>It also reads the header's {@code KEYS:} list (which may wrap over lines until {@code ARGV:}),
 * skipping {@code (comments)} and {@code <placeholders>}; the Java side passes keys in that order,
 * so the script file is the one place that says which keys a script takes.
 */
public final class ScriptLoader {
  static final String ROOT = "dev/bullpen/lua/";
  private static final Pattern INCLUDE = Pattern.compile("^\\s*--@include\\s+\"?([\\w/-]+)\"?\\s*$");
  private static final Pattern KEYS_BLOCK = Pattern.compile("KEYS:(.*?)ARGV:", Pattern.DOTALL);

  private final Function<String, String> resources;

  /** Loads from the class path. */
  public ScriptLoader() {
    this(ScriptLoader::readResource);
  }

  /** Loads from any source of named texts (path relative to the root, e.g. "includes/x.lua"). */
  ScriptLoader(Function<String, String> resources) {
    this.resources = resources;
  }

  /** Loads and assembles the script {@code name.lua}. */
  public LuaScript load(String name) {
    String raw = resources.apply(name + ".lua");
    if (raw == null) {
      throw new IllegalArgumentException("no Lua script named " + name);
    }
    StringBuilder out = new StringBuilder(raw.length() * 2);
    expand(name, raw, out, new HashSet<>(), new ArrayList<>());
    return new LuaScript(name, out.toString(), keyNames(raw));
  }

  private void expand(String name, String text, StringBuilder out, Set<String> done,
      List<String> stack) {
    if (stack.contains(name)) {
      throw new IllegalStateException("include cycle: " + String.join(" -> ", stack) + " -> " + name);
    }
    stack.add(name);
    for (String line : text.split("\n", -1)) {
      Matcher m = INCLUDE.matcher(line);
      if (!m.matches()) {
        out.append(line).append('\n');
        continue;
      }
      String include = m.group(1);
      if (!done.add(include)) {
        continue;
      }
      String body = resources.apply("includes/" + include + ".lua");
      if (body == null) {
        throw new IllegalArgumentException(name + " includes missing helper " + include);
      }
      expand(include, body, out, done, stack);
    }
    stack.remove(stack.size() - 1);
  }

  static List<String> keyNames(String raw) {
    Matcher m = KEYS_BLOCK.matcher(raw);
    if (!m.find()) {
      return List.of();
    }
    String block = m.group(1).replaceAll("\\([^)]*\\)", " ").replaceAll("<[^>]*>", " ");
    List<String> names = new ArrayList<>();
    for (String token : block.trim().split("\\s+")) {
      if (!token.isEmpty()) {
        names.add(token);
      }
    }
    return names;
  }

  private static String readResource(String path) {
    try (InputStream in = ScriptLoader.class.getClassLoader().getResourceAsStream(ROOT + path)) {
      if (in == null) {
        return null;
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Lua resource " + path, e);
    }
  }
}
