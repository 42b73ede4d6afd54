package dev.bullpen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bullpen.event.QueueEvent;
import dev.bullpen.testing.RedisCluster;
import dev.bullpen.testing.RedisSentinelSet;
import dev.bullpen.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The core behaviour suite ({@link TopologyBehaviour}) on the three topologies Bullpen supports,
 * plus what only a Cluster has: hash-tag rules, queues spread over masters, slot migration.
 */
class TopologyBehaviourIT {

  @Nested
  class Standalone extends TopologyBehaviour {
    private RedisServer redis;

    @BeforeAll
    void start() {
      redis = RedisServer.start();
    }

    @AfterAll
    void stop() {
      redis.close();
    }

    @Override
    String uri() {
      return redis.uri();
    }

    @Override
    RedisServer nodeServing(String key) {
      return redis;
    }

    @Override
    List<RedisServer> replicasServing(String key) {
      return List.of();
    }
  }

  @Nested
  class Sentinel extends TopologyBehaviour {
    private RedisSentinelSet set;

    @BeforeAll
    void start() {
      set = RedisSentinelSet.start();
    }

    @AfterAll
    void stop() {
      set.close();
    }

    @Override
    String uri() {
      return set.uri();
    }

    @Override
    RedisServer nodeServing(String key) {
      return set.master();
    }

    @Override
    List<RedisServer> replicasServing(String key) {
      return set.replicas();
    }
  }

  @Nested
  class Cluster extends TopologyBehaviour {
    private RedisCluster cluster;

    @BeforeAll
    void start() {
      cluster = RedisCluster.start();
    }

    @AfterAll
    void stop() {
      cluster.close();
    }

    @Override
    String uri() {
      return cluster.uri();
    }

    @Override
    RedisServer nodeServing(String key) {
      return cluster.masterOf(key);
    }

    @Override
    List<RedisServer> replicasServing(String key) {
      return cluster.replicasOf(cluster.masterOf(key));
    }

    /**
     * A queue whose master is not the first seed, where Lettuce's default connection goes: a
     * WAIT sent there instead of to the queue's node would count the wrong replicas.
     */
    @Override
    String durableQueueName() {
      while (true) {
        String q = queueName("durable");
        if (!cluster.masterOf("bull:" + q + ":wait").equals(cluster.nodes().get(0))) {
          return q;
        }
      }
    }

    @Test
    void refusesQueueNamesWithoutAHashTag() {
      try (Bullpen bp = connect()) {
        for (Runnable r : List.<Runnable>of(() -> bp.queue("video"),
            () -> bp.worker("video", Object.class, j -> null),
            () -> bp.queueEvents("video"), () -> bp.queue("{}video"))) {
          assertThatThrownBy(r::run).isInstanceOf(IllegalArgumentException.class)
              .hasMessageContaining("hash tag").hasMessageContaining("{video}");
        }
        assertThat(bp.queue("{video}-renders").name()).isEqualTo("{video}-renders");
      }
      try (Bullpen standalone = Bullpen.connect(cluster.nodes().get(0).uri())) {
        // the same name is fine where there is no cluster mode
        assertThat(standalone.queue("video").name()).isEqualTo("video");
      }
    }

    @Test
    void aTaggedPrefixPutsEveryQueueOfTheClientInOneSlot() {
      try (Bullpen bp = Bullpen.builder().uri(uri()).prefix("{bp}").build()) {
        Queue<Object> a = bp.queue(queueName("plain-a").replaceAll("[{}]", ""));
        Queue<Object> b = bp.queue(queueName("plain-b").replaceAll("[{}]", ""));
        a.add("x", 1);
        b.add("y", 2);
        bp.worker(a.name(), Object.class, j -> "a");
        bp.worker(b.name(), Object.class, j -> "b");
        await().atMost(WAIT).until(() -> a.getJobCounts().completed() == 1
            && b.getJobCounts().completed() == 1);
        assertThat(cluster.slot("{bp}:" + a.name() + ":wait"))
            .isEqualTo(cluster.slot("{bp}:" + b.name() + ":1"));
      }
    }

    @Test
    void queuesWithDifferentTagsSpreadOverTheMasters() {
      Map<RedisServer, String> byMaster = new LinkedHashMap<>();
      for (int i = 0; byMaster.size() < 3; i++) {
        String q = "{spread-" + i + "}";
        byMaster.putIfAbsent(cluster.masterOf("bull:" + q + ":wait"), q);
      }
      try (Bullpen bp = connect()) {
        Set<String> done = ConcurrentHashMap.newKeySet();
        for (String q : byMaster.values()) {
          bp.queue(q).obliterate(true);
          bp.queue(q).add("job", 1);
          bp.worker(q, Object.class, j -> done.add(j.queueName()));
        }
        await().atMost(WAIT).until(() -> done.size() == 3);
        for (Map.Entry<RedisServer, String> e : byMaster.entrySet()) {
          assertThat(e.getKey().command("HGET", "bull:" + e.getValue() + ":1", "finishedOn"))
              .as("job of %s on its own master", e.getValue()).isNotNull();
        }
        assertThat(new HashSet<>(byMaster.keySet())).hasSize(3);
      }
    }

    @Test
    void workersAndReadersFollowASlotMigration() {
      String q = queueName("migrate");
      String marker = "bull:" + q + ":marker";
      try (Bullpen bp = connect()) {
        Queue<Object> queue = bp.queue(q);
        List<String> completed = new CopyOnWriteArrayList<>();
        bp.queueEvents(q).addListener((QueueEvent e) -> {
          if ("completed".equals(e.event())) {
            completed.add(e.jobId());
          }
        });
        bp.worker(q, Object.class, j -> "ok",
            WorkerOptions.builder().drainDelay(Duration.ofSeconds(30)).build());
        queue.add("before", 1);
        await().atMost(WAIT).until(() -> completed.contains("1"));
        RedisServer source = awaitClient(q, clientName(q, ""));

        List<RedisServer> others = new ArrayList<>(cluster.masters());
        others.remove(source);
        RedisServer target = others.get(0);
        cluster.migrateSlot(cluster.slot(marker), target);
        assertThat(cluster.masterOf(marker)).isEqualTo(target);

        queue.add("after", 2);
        await().atMost(WAIT).until(() -> completed.contains("2"));
        assertThat(queue.getJobCounts().completed()).isEqualTo(2);
        await().atMost(WAIT).until(() -> target.command("CLIENT", "LIST")
            .contains(" name=" + clientName(q, "") + " ")
            && target.command("CLIENT", "LIST").contains(" name=" + clientName(q, ":qe") + " "));
        assertThat(source.command("CLIENT", "LIST")).doesNotContain(clientName(q, ""));
      }
    }
  }
}
