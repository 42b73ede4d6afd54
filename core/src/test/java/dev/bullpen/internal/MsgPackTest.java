package dev.bullpen.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MsgPackTest {
  /** Strings of every length class msgpack has (fixstr, str8, str16, str32), and UTF-8. */
  private static final String[] VALUES = {
    "", "1", "x".repeat(31), "x".repeat(32), "y".repeat(255), "z".repeat(256),
    "w".repeat(65_535), "v".repeat(65_536), "déjà vu ✓ 日本語 \uD83D\uDE80", "\u0000\u00ff\u0080"
  };

  @Test
  void readsBackWhatItPacks() {
    MsgPack.Reader in = new MsgPack.Reader(MsgPack.packStrings(VALUES));
    assertThat(in.array()).isEqualTo(VALUES.length);
    for (String v : VALUES) {
      assertThat(in.string()).isEqualTo(v);
    }
    assertThat(in.atEnd()).isTrue();
  }

  @Test
  void readsArraysOfEverySize() {
    for (int n : new int[] {0, 15, 16, 65_535, 65_536}) {
      String[] values = new String[n];
      Arrays.fill(values, "a");
      MsgPack.Reader in = new MsgPack.Reader(MsgPack.packStrings(values));
      assertThat(in.array()).isEqualTo(n);
      List<String> read = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        read.add(in.string());
      }
      assertThat(read).hasSize(n).allMatch("a"::equals);
      assertThat(in.atEnd()).isTrue();
    }
  }

  @Test
  void aReplyDecodedOneCharPerByteReadsLikeTheBytes() {
    byte[] packed = MsgPack.packStrings(VALUES);
    String raw = new String(packed, StandardCharsets.ISO_8859_1);
    MsgPack.Reader in = MsgPack.Reader.ofRaw(raw);
    assertThat(in.array()).isEqualTo(VALUES.length);
    for (String v : VALUES) {
      assertThat(in.string()).isEqualTo(v);
    }
  }

  @Test
  void readsNestedArraysAsCmsgpackWritesThem() {
    // cmsgpack.pack({{"7", "t:1", {"name", "n", "data", "{}"}}}) as Redis 7.0 writes it.
    byte[] packed = {
      (byte) 0x91, (byte) 0x93, (byte) 0xa1, '7', (byte) 0xa3, 't', ':', '1', (byte) 0x94,
      (byte) 0xa4, 'n', 'a', 'm', 'e', (byte) 0xa1, 'n', (byte) 0xa4, 'd', 'a', 't', 'a',
      (byte) 0xa2, '{', '}'
    };
    MsgPack.Reader in = new MsgPack.Reader(packed);
    assertThat(in.array()).isEqualTo(1);
    assertThat(in.array()).isEqualTo(3);
    assertThat(in.string()).isEqualTo("7");
    assertThat(in.string()).isEqualTo("t:1");
    assertThat(in.array()).isEqualTo(4);
    assertThat(List.of(in.string(), in.string(), in.string(), in.string()))
        .containsExactly("name", "n", "data", "{}");
    assertThat(in.atEnd()).isTrue();
  }

  @Test
  void otherTypesAndShortBuffersAreClearErrors() {
    assertThatThrownBy(() -> new MsgPack.Reader(new byte[] {(byte) 0xc0}).string())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected a string").hasMessageContaining("0xc0");
    assertThatThrownBy(() -> new MsgPack.Reader(new byte[] {(byte) 0xa1}).array())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected an array");
    assertThatThrownBy(() -> new MsgPack.Reader(new byte[] {(byte) 0xa5, 'a', 'b'}).string())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ends early");
    assertThatThrownBy(() -> new MsgPack.Reader(new byte[] {(byte) 0xdc, 0}).array())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ends early");
    assertThatThrownBy(() -> new MsgPack.Reader(new byte[0]).array())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ends early");
  }
}
