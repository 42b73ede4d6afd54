package dev.bullpen;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The fetch loop's bookkeeping (issue 4): handing a fetched batch of short jobs to processor
 * threads. {@code handoff} is what the worker does ({@link Handoff}: a thread that finishes a job
 * takes the next before it parks); {@code taskPerJob} is what it did before, one executor task
 * (and so one thread wake-up) per job. Both on the worker's own processor pool, jobs that do
 * nothing, and the time until every job of the batch has run.
 *
 * <pre>
 * java -cp bench/target/bullpen-bench.jar org.openjdk.jmh.Main HandoffBench
 * </pre>
 *
 * <p>Lives in package {@code dev.bullpen} to reach the package-private {@code Handoff}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HandoffBench {
  /** Jobs per fetched batch. */
  @Param({"1", "50"})
  public int batch;

  private ExecutorService pool;
  private Handoff<CountDownLatch> handoff;

  @Setup
  public void setUp() {
    pool = Worker.newProcessorPool("jmh", 100);
    handoff = new Handoff<>(pool, CountDownLatch::countDown, l -> { });
  }

  @TearDown
  public void tearDown() {
    pool.shutdownNow();
  }

  @Benchmark
  public void handoff() throws InterruptedException {
    CountDownLatch done = new CountDownLatch(batch);
    for (int i = 0; i < batch; i++) {
      handoff.offer(done);
    }
    done.await();
  }

  @Benchmark
  public void taskPerJob() throws InterruptedException {
    CountDownLatch done = new CountDownLatch(batch);
    for (int i = 0; i < batch; i++) {
      pool.execute(done::countDown);
    }
    done.await();
  }
}
