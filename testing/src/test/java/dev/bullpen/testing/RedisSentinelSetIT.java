package dev.bullpen.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisSentinelSetIT {

    @Test
    void sentinelsPromoteTheReplicaWhenTheMasterIsKilled() {
        List<RedisServer> all = new ArrayList<>();
        try (RedisSentinelSet set = RedisSentinelSet.start()) {
            all.addAll(set.dataNodes());
            all.addAll(set.sentinels());
            assertThat(set.sentinels()).hasSize(3);
            assertThat(set.uri()).startsWith("redis-sentinel://127.0.0.1:").endsWith("#bullpen");
            RedisServer master = set.master();
            assertThat(master).isEqualTo(set.dataNodes().get(0));
            assertThat(master.command("ROLE")).startsWith("master");
            RedisServer replica = set.replicas().get(0);
            master.command("SET", "k", "v");
            master.command("WAIT", "1", "1000");
            assertThat(replica.command("GET", "k")).isEqualTo("v");

            long start = System.nanoTime();
            master.kill();
            RedisServer promoted = set.awaitFailover(master, Duration.ofSeconds(30));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(promoted).isEqualTo(replica);
            assertThat(set.master()).isEqualTo(replica);
            assertThat(ms).as("failover time").isLessThan(15_000);

            set.restart(master);
            assertThat(master.command("ROLE")).startsWith("slave");
            assertThat(master.command("GET", "k")).isEqualTo("v");
        }
        assertThat(all).noneMatch(RedisServer::isRunning);
    }
}
