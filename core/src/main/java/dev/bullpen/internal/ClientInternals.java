package dev.bullpen.internal;

import dev.bullpen.Bullpen;
import java.util.function.Function;

/**
 * Lets code under {@code dev.bullpen.internal} reach a {@link Bullpen} client's Redis gateway
 * without a public accessor on {@code Bullpen} (the JDK's "shared secrets" pattern):
 * {@code Bullpen} installs the accessor once, when its class initialises.
 */
public final class ClientInternals {
  private static volatile Function<Bullpen, RedisGateway> gateway;

  private ClientInternals() {}

  /** Called once by {@code Bullpen}'s static initialiser. */
  public static void install(Function<Bullpen, RedisGateway> accessor) {
    if (gateway != null) {
      throw new IllegalStateException("client internals are already installed");
    }
    gateway = accessor;
  }

  /** The client's shared Redis gateway. */
  public static RedisGateway gateway(Bullpen client) {
    return gateway.apply(client);
  }
}
