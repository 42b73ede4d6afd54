package dev.bullpen.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Redis passwords never reach messages: every way a URI is shown masks its credentials. */
class PasswordMaskingTest {
  private static final List<String> URIS = List.of(
      "redis://app:hunter2@127.0.0.1:6380/2",
      "redis://:hunter2@redis.example:6380",
      "rediss://app:hun@ter2@redis.example:6380",
      "redis://app:hun%40ter2@redis.example:6380",
      "redis://app:hunter2@redis.example:6380?timeout=5s&clientName=a",
      "redis-sentinel://hunter2@h1:26379,h2:26380/1#orders",
      "redis-cluster://app:hunter2@n1:7000,n2:7001",
      "rediss-cluster://app:hun@ter2@n1:7000,n2:7001",
      "redis://hunter2@redis.example:6380?password=hunter2");

  @Test
  void redactMasksUserInfoAndPasswordParameters() {
    assertThat(RedisTarget.redact("redis://app:hunter2@127.0.0.1:6380/2"))
        .isEqualTo("redis://***@127.0.0.1:6380/2");
    assertThat(RedisTarget.redact("rediss://app:hun@ter2@redis.example:6380"))
        .isEqualTo("rediss://***@redis.example:6380");
    assertThat(RedisTarget.redact("redis://h:1?password=hunter2&x=1"))
        .isEqualTo("redis://h:1?password=***&x=1");
    assertThat(RedisTarget.redact("redis://127.0.0.1:6380")).isEqualTo("redis://127.0.0.1:6380");
    assertThat(RedisTarget.redact(null)).isEqualTo("null");
    for (String uri : URIS) {
      assertThat(RedisTarget.redact(uri)).as(uri).doesNotContain("hunter").doesNotContain("ter2");
    }
  }

  @Test
  void describeAndToStringOfEveryTopologyHideThePassword() {
    for (String uri : URIS) {
      RedisTarget t = RedisTarget.parse(uri);
      assertThat(t.describe()).as(uri).doesNotContain("hunter").doesNotContain("ter2");
      assertThat(t.toString()).as(uri).doesNotContain("hunter").doesNotContain("ter2");
    }
  }

  @Test
  void parseErrorsHideThePassword() {
    for (String uri : List.of("http://app:hunter2@host", "redis-sentinel://hunter2@h1:26379",
        "redis-cluster://app:hunter2@h1:7000/3", "redis-cluster://app:hunter2@h1:7000,,h2:1",
        "redis://app:hunter2@host:6379/notadb", "redis://app:hunter2@/")) {
      Throwable t = catchThrowable(() -> RedisTarget.parse(uri));
      assertThat(t).as(uri).isInstanceOf(IllegalArgumentException.class);
      for (Throwable c = t; c != null; c = c.getCause()) {
        assertThat(String.valueOf(c.getMessage())).as(uri).doesNotContain("hunter2");
      }
    }
  }

  @Test
  void scrubMasksTheUriAndItsPasswordInForeignText() {
    String uri = "redis://app:hunter2@h:1";
    assertThat(RedisTarget.scrub("bad uri " + uri + ", password hunter2", uri))
        .isEqualTo("bad uri redis://***@h:1, password ***");
  }
}
