package dev.bullpen.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisURI;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisTargetTest {

  @Test
  void parsesTheThreeTopologies() {
    RedisTarget one = RedisTarget.parse("redis://user:secret@127.0.0.1:7000/2");
    assertThat(one.kind()).isEqualTo(RedisTarget.Kind.STANDALONE);
    assertThat(one.uri().getDatabase()).isEqualTo(2);
    assertThat(one.describe()).isEqualTo("127.0.0.1:7000");

    RedisTarget sentinel = RedisTarget.parse("redis-sentinel://pw@h1:26379,h2:26380/1#orders");
    assertThat(sentinel.kind()).isEqualTo(RedisTarget.Kind.SENTINEL);
    assertThat(sentinel.uri().getSentinelMasterId()).isEqualTo("orders");
    assertThat(sentinel.uri().getSentinels()).extracting(RedisURI::getPort)
        .containsExactly(26379, 26380);
    assertThat(sentinel.describe()).isEqualTo("master 'orders' via sentinels h1:26379,h2:26380");

    RedisTarget cluster = RedisTarget.parse("rediss-cluster://app:pw@n1:7000,n2:7001");
    assertThat(cluster.kind()).isEqualTo(RedisTarget.Kind.CLUSTER);
    assertThat(cluster.seeds()).hasSize(2).allSatisfy(u -> {
      assertThat(u.isSsl()).isTrue();
      assertThat(u.getCredentialsProvider().resolveCredentials().block().getUsername())
          .isEqualTo("app");
    });
    assertThat(cluster.seeds()).extracting(RedisURI::getHost).containsExactly("n1", "n2");
    assertThat(cluster.toString()).isEqualTo("redis-cluster://n1:7000,n2:7001")
        .doesNotContain("pw");
    assertThat(RedisTarget.cluster(List.of("redis://a:1", "redis://b:2")).describe())
        .isEqualTo("Redis Cluster redis-cluster://a:1,b:2");
  }

  @Test
  void refusesBadUrisWithoutShowingPasswords() {
    assertThatThrownBy(() -> RedisTarget.parse("http://x:secret@host"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redis-cluster://")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> RedisTarget.parse("redis-sentinel://h1:26379"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("#masterName");
    assertThatThrownBy(() -> RedisTarget.parse("redis-cluster://h1:7000/3"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("database 0");
    assertThatThrownBy(() -> RedisTarget.parse("redis-cluster://h1:7000,,h2:7001"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty seed");
    assertThatThrownBy(() -> RedisTarget.cluster(List.of("redis-sentinel://h#m")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redis://");
    assertThatThrownBy(() -> RedisTarget.cluster(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aQueueHasAHashTagOnlyWhenItCoversEveryKeyOfTheQueue() {
    assertThat(Keys.hashTag("bull", "{video}")).isEqualTo("video");
    assertThat(Keys.hashTag("bull", "{video}-renders")).isEqualTo("video");
    assertThat(Keys.hashTag("bull", "renders-{video}")).isEqualTo("video");
    assertThat(Keys.hashTag("{bull}", "video")).isEqualTo("bull");
    assertThat(Keys.hashTag("bull", "video")).isNull();
    assertThat(Keys.hashTag("bull", "{}video")).isNull();
    // '{' in the queue, '}' only in a job id: job keys would hash differently
    assertThat(Keys.hashTag("bull", "{video")).isNull();
    assertThat(Keys.hashTag("bull", "vid}{eo}")).isEqualTo("eo");
  }
}
