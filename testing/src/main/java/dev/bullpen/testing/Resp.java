package dev.bullpen.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny RESP2 client: one command per fresh socket, reply rendered as text.
 * Package-private; tests reach it through {@link RedisServer#command(String...)}.
 */
final class Resp {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private Resp() {
    }

    /** Connects, sends one command, reads one reply, closes. */
    static String call(String host, int port, Duration readTimeout, String... args) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
            socket.setSoTimeout((int) Math.max(1, readTimeout.toMillis()));
            OutputStream out = socket.getOutputStream();
            out.write(encode(args));
            out.flush();
            return render(read(new java.io.BufferedInputStream(socket.getInputStream())), true);
        }
    }

    /** Encodes a command as a RESP array of bulk strings. */
    static byte[] encode(String... args) {
        if (args == null || args.length == 0) {
            throw new IllegalArgumentException("a command needs at least one argument");
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        writeAscii(buf, "*" + args.length + "\r\n");
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            writeAscii(buf, "$" + bytes.length + "\r\n");
            buf.write(bytes, 0, bytes.length);
            writeAscii(buf, "\r\n");
        }
        return buf.toByteArray();
    }

    /** A server error reply, kept apart from strings so it can be thrown at top level. */
    record Error(String message) {
    }

    /**
     * Reads one reply: String (simple or bulk), Long, List (array), {@link Error}, or null (nil).
     */
    static Object read(InputStream in) throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("connection closed before a reply");
        }
        String line = readLine(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                return new Error(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int len = Integer.parseInt(line);
                if (len < 0) {
                    return null;
                }
                byte[] data = in.readNBytes(len);
                if (data.length < len || in.read() != '\r' || in.read() != '\n') {
                    throw new EOFException("truncated bulk string");
                }
                return new String(data, StandardCharsets.UTF_8);
            }
            case '*': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    items.add(read(in));
                }
                return items;
            }
            default:
                throw new IOException("unexpected RESP type byte '" + (char) type + "'");
        }
    }

    /**
     * Renders a reply as text. A top-level error throws; nested errors render as their message,
     * nested nils as the empty string, arrays as newline-joined elements.
     */
    static String render(Object reply, boolean topLevel) {
        if (reply == null) {
            return topLevel ? null : "";
        }
        if (reply instanceof Error) {
            String message = ((Error) reply).message();
            if (topLevel) {
                throw new IllegalStateException(message);
            }
            return message;
        }
        if (reply instanceof List) {
            List<String> parts = new ArrayList<>();
            for (Object item : (List<?>) reply) {
                parts.add(render(item, false));
            }
            return String.join("\n", parts);
        }
        return reply.toString();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed inside a reply");
            }
            if (b == '\r') {
                if (in.read() != '\n') {
                    throw new IOException("malformed RESP line");
                }
                return buf.toString(StandardCharsets.UTF_8);
            }
            buf.write(b);
        }
    }

    private static void writeAscii(ByteArrayOutputStream buf, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        buf.write(b, 0, b.length);
    }
}
