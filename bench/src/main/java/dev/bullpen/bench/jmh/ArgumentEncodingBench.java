package dev.bullpen.bench.jmh;

import dev.bullpen.JacksonJobCodec;
import dev.bullpen.internal.MsgPack;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The producer's argument encoding (issue 4's "argument encoding" hot path): job data to JSON
 * through the codec, and a batch of jobs' fields packed into the one msgpack argument that
 * {@code addJobs.lua} unpacks.
 *
 * <pre>
 * java -cp bench/target/bullpen-bench.jar org.openjdk.jmh.Main ArgumentEncodingBench
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ArgumentEncodingBench {
  /** Jobs per addBulk batch. */
  @Param({"1", "100"})
  public int batch;

  private final JacksonJobCodec codec = new JacksonJobCodec();
  private Map<String, Object> data;
  private String[] fields;

  @Setup
  public void setUp() {
    data = Map.of("video", "clip-1.mp4", "width", 1920, "height", 1080, "tags", List.of("a", "b"));
    String json = codec.encode(data);
    // Per job: id, name, data, opts, timestamp, delay, priority, parent (as addJobs.lua reads).
    fields = new String[batch * 8];
    for (int i = 0; i < batch; i++) {
      int o = i * 8;
      fields[o] = "";
      fields[o + 1] = "render";
      fields[o + 2] = json;
      fields[o + 3] = "{\"attempts\":3,\"removeOnComplete\":true}";
      fields[o + 4] = "1764633600000";
      fields[o + 5] = "0";
      fields[o + 6] = "0";
      fields[o + 7] = "";
    }
  }

  /** One job's data to JSON. */
  @Benchmark
  public String encodeData() {
    return codec.encode(data);
  }

  /** A batch's fields into one msgpack argument. */
  @Benchmark
  public byte[] packBatch() {
    return MsgPack.packStrings(fields);
  }
}
