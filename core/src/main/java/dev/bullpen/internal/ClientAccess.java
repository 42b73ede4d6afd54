package dev.bullpen.internal;

import dev.bullpen.Bullpen;
import java.util.function.Function;

/**
 * Gives code in other core packages ({@code dev.bullpen.admin}) the {@link RedisGateway} of a
 * {@link Bullpen} client without making it part of the public API. {@link Bullpen} installs the
 * accessor when its class initializes, which happens before any instance exists.
 */
public final class ClientAccess {
  private static volatile Function<Bullpen, RedisGateway> gateways;

  private ClientAccess() {}

  /** Called once by {@link Bullpen}'s static initializer. */
  public static void install(Function<Bullpen, RedisGateway> accessor) {
    gateways = accessor;
  }

  /** The gateway of {@code bullpen}. */
  public static RedisGateway gateway(Bullpen bullpen) {
    if (bullpen == null) {
      throw new IllegalArgumentException("bullpen must not be null");
    }
    return gateways.apply(bullpen);
  }
}
