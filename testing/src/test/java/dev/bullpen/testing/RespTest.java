package dev.bullpen.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RespTest {

    private static String parse(String wire) throws IOException {
        return Resp.render(Resp.read(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8))), true);
    }

    @Test
    void encodesCommandsAsArraysOfBulkStrings() {
        assertThat(new String(Resp.encode("SET", "k", "h\u00e9"), StandardCharsets.UTF_8))
                .isEqualTo("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\nh\u00e9\r\n");
        assertThat(new String(Resp.encode("SAVE", ""), StandardCharsets.UTF_8))
                .isEqualTo("*2\r\n$4\r\nSAVE\r\n$0\r\n\r\n");
        assertThatThrownBy(Resp::encode).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rendersEachReplyType() throws IOException {
        assertThat(parse("+OK\r\n")).isEqualTo("OK");
        assertThat(parse(":-42\r\n")).isEqualTo("-42");
        assertThat(parse("$5\r\nab\r\nc\r\n")).isEqualTo("ab\r\nc");
        assertThat(parse("$0\r\n\r\n")).isEmpty();
        assertThat(parse("$-1\r\n")).isNull();
        assertThat(parse("*-1\r\n")).isNull();
        assertThat(parse("*0\r\n")).isEmpty();
        assertThat(parse("*3\r\n$1\r\na\r\n$-1\r\n:7\r\n")).isEqualTo("a\n\n7");
        assertThat(parse("*2\r\n*2\r\n+x\r\n+y\r\n-ERR inner\r\n")).isEqualTo("x\ny\nERR inner");
    }

    @Test
    void throwsOnTopLevelErrors() {
        assertThatThrownBy(() -> parse("-WRONGTYPE Operation against a key\r\n"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("WRONGTYPE Operation against a key");
    }

    @Test
    void rejectsTruncatedReplies() {
        assertThatThrownBy(() -> parse("")).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> parse("$5\r\nab")).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> parse("?x\r\n")).isInstanceOf(IOException.class);
    }
}
