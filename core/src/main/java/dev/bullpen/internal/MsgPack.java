package dev.bullpen.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The one msgpack shape Bullpen sends: a flat array of strings, unpacked in Lua by Redis's
 * built-in {@code cmsgpack}. Packing thousands of values into one argument is cheaper for the
 * client (one buffer instead of thousands of bulk strings) and for Redis (one argument to parse)
 * than passing them as separate ARGV entries.
 */
public final class MsgPack {
  private MsgPack() {}

  /** Packs {@code values} (none null) as a msgpack array of str. */
  public static byte[] packStrings(String[] values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(values.length * 24 + 8);
    int n = values.length;
    if (n < 16) {
      out.write(0x90 | n);
    } else if (n < 65536) {
      out.write(0xdc);
      out.write(n >>> 8);
      out.write(n);
    } else {
      out.write(0xdd);
      writeInt(out, n);
    }
    for (String v : values) {
      byte[] b = v.getBytes(StandardCharsets.UTF_8);
      int len = b.length;
      if (len < 32) {
        out.write(0xa0 | len);
      } else if (len < 256) {
        out.write(0xd9);
        out.write(len);
      } else if (len < 65536) {
        out.write(0xda);
        out.write(len >>> 8);
        out.write(len);
      } else {
        out.write(0xdb);
        writeInt(out, len);
      }
      out.write(b, 0, len);
    }
    return out.toByteArray();
  }

  private static void writeInt(ByteArrayOutputStream out, int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
  }
}
