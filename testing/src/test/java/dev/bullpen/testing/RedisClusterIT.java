package dev.bullpen.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Kill, failover and restart are exercised under load by core's ClusterFailoverIT. */
class RedisClusterIT {

    @Test
    void formsAHealthyClusterMovesSlotsAndCleansUp() {
        List<Path> dirs;
        List<RedisServer> nodes;
        try (RedisCluster cluster = RedisCluster.start()) {
            nodes = cluster.nodes();
            dirs = nodes.stream().map(RedisServer::dir).collect(Collectors.toList());
            assertThat(nodes).hasSize(6).allSatisfy(n -> assertThat(n.port()).isNotEqualTo(6379));
            assertThat(cluster.masters()).hasSize(3).containsAll(nodes.subList(0, 3));
            assertThat(cluster.uri()).startsWith("redis-cluster://127.0.0.1:").contains(",");
            for (RedisServer n : nodes) {
                assertThat(n.command("CLUSTER", "INFO")).contains("cluster_state:ok");
            }
            // a hash tag decides the slot, so every key of one queue lands on one master
            assertThat(cluster.slot("bull:{video}:wait")).isEqualTo(cluster.slot("bull:{video}:42:lock"));
            RedisServer owner = cluster.masterOf("bull:{video}:wait");
            assertThat(owner.command("SET", "bull:{video}:x", "1")).isEqualTo("OK");
            List<RedisServer> replicas = cluster.replicasOf(owner);
            assertThat(replicas).hasSize(1).doesNotContain(owner);

            List<RedisServer> others = new ArrayList<>(cluster.masters());
            others.remove(owner);
            cluster.migrateSlot(cluster.slot("bull:{video}:x"), others.get(0));
            assertThat(cluster.masterOf("bull:{video}:wait")).isEqualTo(others.get(0));
            assertThat(others.get(0).command("GET", "bull:{video}:x")).isEqualTo("1");
            assertThat(owner.command("DBSIZE")).isEqualTo("0");
        }
        assertThat(nodes).noneMatch(RedisServer::isRunning);
        assertThat(dirs).allSatisfy(d -> assertThat(d).doesNotExist());
    }

    @Test
    void startsWithoutReplicasToo() {
        try (RedisCluster cluster = RedisCluster.builder().replicasPerMaster(0).start()) {
            assertThat(cluster.nodes()).hasSize(3);
            assertThat(cluster.masters()).hasSize(3);
            assertThat(cluster.seedUris()).hasSize(3).allSatisfy(u -> assertThat(u).startsWith("redis://"));
        }
    }
}
