package dev.bullpen;

import dev.bullpen.bench.LocalRedis;
import dev.bullpen.internal.MsgPack;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The worker's decoding of a fetch reply (issue 4's "job decoding" hot path): turning the
 * script's packed {@code [[id, token, [field, value, …]], …]} (one msgpack string, read one char
 * per byte) into {@link Job}s, and decoding their data. The reply is built in memory with a
 * realistic BullMQ job hash, packed as Redis's cmsgpack packs it; Redis is only needed because a
 * {@link QueueContext} belongs to a connected client.
 *
 * <pre>
 * java -cp bench/target/bullpen-bench.jar org.openjdk.jmh.Main JobDecodingBench
 * </pre>
 *
 * <p>Lives in package {@code dev.bullpen} to reach the package-private {@code Fetched.parse}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JobDecodingBench {
  /** Jobs per fetch reply (the worker fetches up to 50 at once). */
  @Param({"1", "50"})
  public int batch;

  private LocalRedis redis;
  private Bullpen bullpen;
  private QueueContext ctx;
  private List<Object> reply;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    redis = LocalRedis.startUnless(null);
    bullpen = Bullpen.builder().uri(redis.uri()).checkServer(false).build();
    ctx = new QueueContext(bullpen, "jmh");
    ByteArrayOutputStream jobs = new ByteArrayOutputStream();
    jobs.write(0xdc); // array 16 (cmsgpack writes 0x90 | n below 16; both read the same)
    jobs.write(batch >>> 8);
    jobs.write(batch);
    for (int i = 0; i < batch; i++) {
      String[] flat = {"name", "render", "data",
          "{\"video\":\"clip-" + i + ".mp4\",\"width\":1920,\"height\":1080,\"tags\":[\"a\",\"b\"]}",
          "opts", "{\"attempts\":3,\"backoff\":{\"type\":\"exponential\",\"delay\":1000},"
              + "\"removeOnComplete\":true}",
          "timestamp", "1764633600000", "delay", "0", "priority", "0", "ats", "0"};
      // {id, token, flat}: an array of 3, then two strings (packStrings' body after its header).
      byte[] idAndToken = MsgPack.packStrings(new String[] {Integer.toString(i + 1), "token-" + i});
      jobs.write(0x93);
      jobs.write(idAndToken, 1, idAndToken.length - 1);
      jobs.writeBytes(MsgPack.packStrings(flat));
    }
    reply = List.of(new String(jobs.toByteArray(), StandardCharsets.ISO_8859_1), 0L, 0L);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    bullpen.close();
    redis.close();
  }

  /** Parse only: the hashes become Jobs; data stays undecoded (it is decoded lazily). */
  @Benchmark
  public List<Job<Object>> parse() {
    return Fetched.<Object>parse(ctx, Object.class, reply, 0, 1764633601000L, "w1").jobs;
  }

  /** Parse and decode every job's data into a Map, as a handler reading data() does. */
  @Benchmark
  public int parseAndDecode() {
    int n = 0;
    for (Job<Map<String, Object>> j : Fetched.<Map<String, Object>>parse(ctx, Map.class, reply, 0,
        1764633601000L, "w1").jobs) {
      n += j.data().size();
    }
    return n;
  }
}
