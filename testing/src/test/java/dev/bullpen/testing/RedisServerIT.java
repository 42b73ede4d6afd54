package dev.bullpen.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisServerIT {

    @Test
    void startsAPrivateServerThatAnswersCommands() {
        try (RedisServer redis = RedisServer.start()) {
            assertThat(redis.isRunning()).isTrue();
            assertThat(redis.port()).isNotEqualTo(6379);
            assertThat(redis.host()).isEqualTo("127.0.0.1");
            assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + redis.port());
            assertThat(redis.dir()).isDirectory();
            assertThat(redis.dir().resolve("redis.log")).exists();
            assertThat(redis.command("PING")).isEqualTo("PONG");
            assertThat(redis.command("SET", "k", "v")).isEqualTo("OK");
            assertThat(redis.command("GET", "k")).isEqualTo("v");
            assertThat(redis.dbSize()).isEqualTo(1);
            assertThat(redis.info("server")).contains("redis_version:").contains("process_id:" + redis.pid());
        }
    }

    @Test
    void rendersRepliesAsText() {
        try (RedisServer redis = RedisServer.start()) {
            assertThat(redis.command("RPUSH", "list", "a", "b", "c")).isEqualTo("3");
            assertThat(redis.command("LRANGE", "list", "0", "-1")).isEqualTo("a\nb\nc");
            assertThat(redis.command("GET", "missing")).isNull();
            redis.command("SET", "x", "1");
            assertThat(redis.command("MGET", "x", "missing", "x")).isEqualTo("1\n\n1");
            assertThat(redis.command("SET", "unicode", "h\u00e9\u2603")).isEqualTo("OK");
            assertThat(redis.command("GET", "unicode")).isEqualTo("h\u00e9\u2603");
            assertThatThrownBy(() -> redis.command("NOSUCHCOMMAND"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("ERR");
            assertThatThrownBy(() -> redis.command("INCR", "list"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("WRONGTYPE");
        }
    }

    @Test
    void usesDefaultsAndLetsExtraArgsOverrideThem() {
        try (RedisServer plain = RedisServer.start();
                RedisServer custom = RedisServer.builder().arg("--maxmemory", "2mb").start()) {
            assertThat(plain.command("CONFIG", "GET", "appendonly")).isEqualTo("appendonly\nno");
            assertThat(plain.command("CONFIG", "GET", "save")).isEqualTo("save\n");
            assertThat(plain.command("DEBUG", "SLEEP", "0")).isEqualTo("OK");
            assertThat(custom.command("CONFIG", "GET", "maxmemory")).isEqualTo("maxmemory\n2097152");
            assertThat(custom.port()).isNotEqualTo(plain.port());
            assertThat(custom.dir()).isNotEqualTo(plain.dir());
        }
    }

    @Test
    void pauseMakesCommandsTimeOutAndResumeBringsItBack() {
        try (RedisServer redis = RedisServer.start()) {
            redis.pause();
            assertThat(redis.isPaused()).isTrue();
            assertThat(redis.isRunning()).isTrue();
            assertThatThrownBy(() -> redis.command(Duration.ofMillis(300), "PING"))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(SocketTimeoutException.class);
            redis.resume();
            assertThat(redis.isPaused()).isFalse();
            assertThat(redis.command("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void killThenRestartWithoutPersistenceGivesAnEmptyDataset() {
        try (RedisServer redis = RedisServer.start()) {
            int port = redis.port();
            long firstPid = redis.pid();
            redis.command("SET", "k", "v");
            redis.kill();
            assertThat(redis.isRunning()).isFalse();
            assertThatThrownBy(() -> redis.command("PING")).isInstanceOf(UncheckedIOException.class);

            redis.restart();
            assertThat(redis.isRunning()).isTrue();
            assertThat(redis.port()).isEqualTo(port);
            assertThat(redis.pid()).isNotEqualTo(firstPid);
            assertThat(redis.command("PING")).isEqualTo("PONG");
            assertThat(redis.dbSize()).isZero();
        }
    }

    @Test
    void appendOnlyFileKeepsAcknowledgedWritesAcrossAKill() {
        try (RedisServer redis = RedisServer.builder()
                .arg("--appendonly", "yes", "--appendfsync", "always").start()) {
            redis.command("SET", "survivor", "yes");
            redis.command("INCR", "counter");
            redis.kill();
            redis.restart();
            assertThat(redis.command("GET", "survivor")).isEqualTo("yes");
            assertThat(redis.command("GET", "counter")).isEqualTo("1");
        }
    }

    @Test
    void stopIsGracefulAndRestartWorksWhileRunningOrPaused() {
        try (RedisServer redis = RedisServer.start()) {
            redis.stop();
            assertThat(redis.isRunning()).isFalse();
            redis.stop(); // no-op
            redis.restart();
            assertThat(redis.command("PING")).isEqualTo("PONG");
            redis.pause();
            redis.restart(); // stops the paused process first
            assertThat(redis.isPaused()).isFalse();
            assertThat(redis.command("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void restartRetriesWhileThePortIsBrieflyBusy() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            redis.kill();
            ServerSocket squatter = new ServerSocket(redis.port(), 1, InetAddress.getByName("127.0.0.1"));
            Thread releaser = new Thread(() -> {
                try {
                    Thread.sleep(800);
                    squatter.close();
                } catch (Exception ignored) {
                    // test thread
                }
            });
            releaser.start();
            redis.restart();
            releaser.join();
            assertThat(redis.command("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void closeKillsTheProcessAndDeletesTheDirectory() {
        RedisServer redis = RedisServer.start();
        long pid = redis.pid();
        redis.pause();
        redis.close();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(Files.exists(redis.dir())).isFalse();
        assertThat(redis.isRunning()).isFalse();
        redis.close(); // idempotent
        assertThatThrownBy(redis::restart).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void fixedPortIsUsed() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        try (RedisServer redis = RedisServer.builder().port(port).start()) {
            assertThat(redis.port()).isEqualTo(port);
            assertThat(redis.command("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void failureToStartReportsTheServerOutput() {
        assertThatThrownBy(() -> RedisServer.builder().arg("--no-such-directive", "1").start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("did not start")
                .hasMessageContaining("no-such-directive");
    }
}
