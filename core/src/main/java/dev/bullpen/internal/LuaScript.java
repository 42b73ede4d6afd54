package dev.bullpen.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * One assembled Lua script: its name, its full source (includes inlined), its SHA-1 for EVALSHA,
 * and the key suffixes its header lists under {@code KEYS:}, in order.
 */
public final class LuaScript {
  private final String name;
  private final String source;
  private final String sha;
  private final List<String> keyNames;

  LuaScript(String name, String source, List<String> keyNames) {
    this.name = name;
    this.source = source;
    this.keyNames = List.copyOf(keyNames);
    this.sha = sha1(source);
  }

  public String name() {
    return name;
  }

  public String source() {
    return source;
  }

  public String sha() {
    return sha;
  }

  /** Key suffixes from the header, in the order the script reads {@code KEYS}. */
  public List<String> keyNames() {
    return keyNames;
  }

  private static String sha1(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder(40);
      for (byte b : digest) {
        hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is not available", e);
    }
  }

  @Override
  public String toString() {
    return name + "(" + sha + ")";
  }
}
