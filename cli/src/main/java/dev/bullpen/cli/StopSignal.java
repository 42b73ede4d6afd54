package dev.bullpen.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Turns Ctrl-C (SIGINT) and SIGTERM into a request to stop gracefully; a second Ctrl-C quits at
 * once (exit code 130).
 *
 * <p>Implementation notes: a shutdown hook is not enough for a graceful stop, because the JVM
 * runs every hook at once, and the private Redis servers' own hooks would kill Redis while the
 * workers still hand their jobs back to it. So the signals are trapped instead, through
 * {@code sun.misc.Signal} (module jdk.unsupported, present in every JDK since 9), looked up
 * reflectively so the build stays free of internal-API warnings. While trapped, the JVM does not
 * begin its shutdown: the command stops in order and returns its exit code. When the signals
 * cannot be trapped (a JVM without jdk.unsupported, or run with -Xrs), a shutdown hook asks for
 * the stop and waits up to {@link #HOOK_WAIT} for the command to finish. {@link #close()}
 * restores the previous handlers, so in-process runs (tests) leave the JVM as they found it.
 */
final class StopSignal implements AutoCloseable {
  static final Duration HOOK_WAIT = Duration.ofSeconds(20);
  private static final String[] SIGNALS = {"INT", "TERM"};

  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);
  private final AtomicInteger received = new AtomicInteger();
  private final Consumer<String> onFirst;
  private final List<Runnable> restore = new ArrayList<>();

  private StopSignal(Consumer<String> onFirst) {
    this.onFirst = onFirst;
  }

  /**
   * Traps the signals until {@link #close()}.
   *
   * @param onFirst told the signal's name on the first signal (e.g. to print "stopping...")
   */
  static StopSignal install(Consumer<String> onFirst) {
    StopSignal s = new StopSignal(onFirst);
    boolean trapped = true;
    for (String name : SIGNALS) {
      trapped &= s.trap(name);
    }
    if (!trapped) {
      s.addHook();
    }
    return s;
  }

  /** Asks for the stop, as a signal would. */
  void trigger(String why) {
    if (received.incrementAndGet() == 1) {
      onFirst.accept(why);
      stop.countDown();
    } else {
      System.exit(130);
    }
  }

  /**
   * Waits for a signal, at most {@code max} (null: without limit).
   *
   * @return true when a signal arrived, false when the time ran out
   */
  boolean await(Duration max) throws InterruptedException {
    if (max == null) {
      stop.await();
      return true;
    }
    return stop.await(max.toMillis(), TimeUnit.MILLISECONDS);
  }

  boolean signalled() {
    return stop.getCount() == 0;
  }

  /** Restores the previous handlers (or removes the hook): the command is done. */
  @Override
  public void close() {
    finished.countDown();
    restore.forEach(Runnable::run);
    restore.clear();
  }

  private boolean trap(String name) {
    try {
      Class<?> signalType = Class.forName("sun.misc.Signal");
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      Object signal = signalType.getConstructor(String.class).newInstance(name);
      InvocationHandler onCall = (proxy, method, args) -> {
        switch (method.getName()) {
          case "handle":
            trigger("SIG" + name);
            return null;
          case "equals":
            return proxy == args[0];
          case "hashCode":
            return System.identityHashCode(proxy);
          default:
            return "StopSignal(SIG" + name + ")";
        }
      };
      Object handler = Proxy.newProxyInstance(StopSignal.class.getClassLoader(),
          new Class<?>[] {handlerType}, onCall);
      Method handle = signalType.getMethod("handle", signalType, handlerType);
      Object previous = handle.invoke(null, signal, handler);
      restore.add(() -> {
        try {
          handle.invoke(null, signal, previous);
        } catch (ReflectiveOperationException | RuntimeException e) {
          // the JVM is exiting or the handler is gone: nothing to restore
        }
      });
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return false;
    }
  }

  private void addHook() {
    Thread hook = new Thread(() -> {
      // not trigger(): System.exit inside a shutdown hook would block forever
      if (received.incrementAndGet() == 1) {
        onFirst.accept("shutdown");
      }
      stop.countDown();
      try {
        finished.await(HOOK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "bullpen-stop");
    try {
      Runtime.getRuntime().addShutdownHook(hook);
      restore.add(() -> {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running: it waits for finished, which close() has released
        }
      });
    } catch (IllegalStateException shuttingDown) {
      stop.countDown();
    }
  }
}
