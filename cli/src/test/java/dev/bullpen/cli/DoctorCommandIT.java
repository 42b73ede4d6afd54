package dev.bullpen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bullpen.testing.RedisServer;
import org.junit.jupiter.api.Test;

class DoctorCommandIT {
  @Test
  void aHealthyServerExitsZeroAndAnEvictingOneFails() {
    try (RedisServer redis = RedisServer.builder().arg("--appendonly", "yes").start()) {
      redis.command("ACL", "SETUSER", "bullpen", "on", ">pw", "~*", "&*", "+@all",
          "-@dangerous", "+info", "+acl|dryrun");
      redis.command("CONFIG", "SET", "requirepass", "adm1n");
      CliRun run = CliRun.of("doctor", "--redis",
          "redis://bullpen:pw@127.0.0.1:" + redis.port());
      assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
      assertThat(run.out()).contains("redis doctor: redis://bullpen:***@127.0.0.1:")
          .containsPattern("ok +dangerous-commands +user 'bullpen' may not run")
          .contains("healthy: no problems found");
    }
    try (RedisServer redis = RedisServer.builder().arg("--maxmemory-policy", "allkeys-lru")
        .start()) {
      CliRun run = CliRun.of("doctor", "--redis", redis.uri());
      assertThat(run.exitCode()).isEqualTo(Main.FAILED);
      assertThat(run.out()).containsPattern("CRITICAL +eviction-policy +maxmemory-policy is"
          + " allkeys-lru").contains("-> CONFIG SET maxmemory-policy noeviction")
          .containsPattern("WARNING +auth +Redis has no password")
          .contains("alerts firing now:").containsPattern("CRITICAL +redis-eviction-policy")
          .contains("worst: critical");
    }
  }

  @Test
  void warningsFailOnlyWhenStrictAndJsonIsOneObject() throws Exception {
    try (RedisServer redis = RedisServer.builder().start()) {
      CliRun plain = CliRun.of("doctor", "--redis", redis.uri());
      assertThat(plain.exitCode()).as(plain.out()).isZero();
      assertThat(CliRun.of("doctor", "--strict", "--redis", redis.uri()).exitCode())
          .isEqualTo(Main.FAILED);
      CliRun json = CliRun.of("doctor", "--json", "--queue", "{video}", "--redis",
          redis.uri());
      JsonNode n = new ObjectMapper().readTree(json.out());
      assertThat(n.get("health").asText()).isEqualTo("warning");
      assertThat(n.get("findings").size()).isGreaterThan(5);
      assertThat(n.get("findings").get(0).get("check").asText()).isEqualTo("version");
      assertThat(n.get("alerts").size()).isZero();
    }
  }

  @Test
  void aBadQueueNameIsAUsageError() {
    try (RedisServer redis = RedisServer.builder().start()) {
      CliRun run = CliRun.of("doctor", "--queue", "a:b", "--redis", redis.uri());
      assertThat(run.exitCode()).isEqualTo(Main.USAGE);
      assertThat(run.err()).contains("queue names must be non-empty without ':'");
    }
  }
}
