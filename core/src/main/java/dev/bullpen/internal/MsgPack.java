package dev.bullpen.internal;

import java.nio.charset.StandardCharsets;

/**
 * The msgpack Bullpen exchanges with its scripts through Redis's built-in {@code cmsgpack}: it
 * sends flat arrays of strings ({@link #packStrings}) and reads nested arrays of strings
 * ({@link Reader}, the jobs a fetch took). Thousands of values in one buffer are cheaper for the
 * client (one buffer instead of thousands of bulk strings to encode or decode) and for Redis (one
 * argument to parse, one reply string to write) than as separate ARGV entries or reply elements.
 */
public final class MsgPack {
  private MsgPack() {}

  /** Packs {@code values} (none null) as a msgpack array of str. */
  public static byte[] packStrings(String[] values) {
    // A plain array rather than a ByteArrayOutputStream, whose write(int) is synchronized: this
    // runs for every batch of adds and completions, mostly before the JIT has compiled it.
    int n = values.length;
    byte[][] encoded = new byte[n][];
    int size = n < 16 ? 1 : n < 65536 ? 3 : 5;
    for (int i = 0; i < n; i++) {
      byte[] b = values[i].getBytes(StandardCharsets.UTF_8);
      encoded[i] = b;
      int len = b.length;
      size += (len < 32 ? 1 : len < 256 ? 2 : len < 65536 ? 3 : 5) + len;
    }
    byte[] out = new byte[size];
    int pos;
    if (n < 16) {
      out[0] = (byte) (0x90 | n);
      pos = 1;
    } else if (n < 65536) {
      out[0] = (byte) 0xdc;
      pos = putUint(out, 1, n, 2);
    } else {
      out[0] = (byte) 0xdd;
      pos = putUint(out, 1, n, 4);
    }
    for (byte[] b : encoded) {
      int len = b.length;
      if (len < 32) {
        out[pos++] = (byte) (0xa0 | len);
      } else if (len < 256) {
        out[pos++] = (byte) 0xd9;
        out[pos++] = (byte) len;
      } else if (len < 65536) {
        out[pos++] = (byte) 0xda;
        pos = putUint(out, pos, len, 2);
      } else {
        out[pos++] = (byte) 0xdb;
        pos = putUint(out, pos, len, 4);
      }
      System.arraycopy(b, 0, out, pos, len);
      pos += len;
    }
    return out;
  }

  private static int putUint(byte[] out, int pos, int v, int bytes) {
    for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) {
      out[pos++] = (byte) (v >>> shift);
    }
    return pos;
  }

  /**
   * Reads arrays and strings, the only types the scripts pack (cmsgpack writes a Lua string as
   * str, a Lua array as array). Strings are UTF-8. Anything else, or a buffer that ends early, is
   * an {@link IllegalArgumentException}.
   */
  public static final class Reader {
    private final byte[] b;
    private int pos;

    public Reader(byte[] b) {
      this.b = b;
    }

    /**
     * Reads a reply bulk string decoded one char per byte (ISO-8859-1, see
     * {@link RedisGateway#evalRaw}).
     */
    public static Reader ofRaw(String raw) {
      return new Reader(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** True when everything has been read. */
    public boolean atEnd() {
      return pos >= b.length;
    }

    /** Reads an array header; returns its element count. */
    public int array() {
      int t = next();
      if ((t & 0xf0) == 0x90) {
        return t & 0x0f;
      } else if (t == 0xdc) {
        return uint(2);
      } else if (t == 0xdd) {
        return uint(4);
      }
      throw unexpected(t, "an array");
    }

    /** Reads a str (or bin) as UTF-8 text. */
    public String string() {
      int t = next();
      int len;
      if ((t & 0xe0) == 0xa0) {
        len = t & 0x1f;
      } else if (t == 0xd9 || t == 0xc4) {
        len = uint(1);
      } else if (t == 0xda || t == 0xc5) {
        len = uint(2);
      } else if (t == 0xdb || t == 0xc6) {
        len = uint(4);
      } else {
        throw unexpected(t, "a string");
      }
      need(len);
      String v = new String(b, pos, len, StandardCharsets.UTF_8);
      pos += len;
      return v;
    }

    private int next() {
      need(1);
      return b[pos++] & 0xff;
    }

    private int uint(int bytes) {
      need(bytes);
      long v = 0;
      for (int i = 0; i < bytes; i++) {
        v = (v << 8) | (b[pos++] & 0xff);
      }
      if (v > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("msgpack length " + v + " is too large");
      }
      return (int) v;
    }

    private void need(int n) {
      if (n < 0 || pos + n > b.length) {
        throw new IllegalArgumentException("msgpack buffer of " + b.length
            + " bytes ends early (at " + pos + ", " + n + " more needed)");
      }
    }

    private IllegalArgumentException unexpected(int type, String wanted) {
      return new IllegalArgumentException(String.format(
          "msgpack: expected %s at byte %d, found type 0x%02x", wanted, pos - 1, type));
    }
  }
}
