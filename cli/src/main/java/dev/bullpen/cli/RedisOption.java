package dev.bullpen.cli;

import dev.bullpen.Bullpen;
import dev.bullpen.RedisUnavailableException;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Option;

/**
 * The {@code --redis URI} option shared by the subcommands (a picocli mixin), and how a command
 * connects with it.
 */
final class RedisOption {
  /** Environment variable with the Redis URI, used when {@code --redis} is not given. */
  static final String ENV = "BULLPEN_REDIS_URL";
  /** The URI when neither {@code --redis} nor {@value #ENV} is given. */
  static final String DEFAULT_URI = "redis://127.0.0.1:6379";

  @Option(
      names = "--redis",
      paramLabel = "URI",
      description = "The Redis to use, as redis://[user:password@]host:port[/db], or"
          + " rediss://... for TLS. Default: $" + ENV + ", else " + DEFAULT_URI + ".")
  String uri;

  /** {@code --redis}, else the environment's {@value #ENV}, else null. */
  String configured(UnaryOperator<String> env) {
    if (uri != null) {
      return uri;
    }
    String fromEnv = env.apply(ENV);
    return fromEnv == null || fromEnv.isBlank() ? null : fromEnv.trim();
  }

  /** The URI to use: {@link #configured}, else {@value #DEFAULT_URI}. */
  String resolve() {
    String c = configured(System::getenv);
    return c != null ? c : DEFAULT_URI;
  }

  /**
   * Connects to {@code uri}, with a message that says where and what to do when Redis does not
   * answer.
   *
   * @throws InvalidInputException when the URI is malformed
   * @throws RedisUnavailableException when Redis cannot be reached
   */
  static Bullpen connect(String uri) {
    try {
      return Bullpen.builder().uri(uri).build();
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("invalid Redis URI: " + e.getMessage(), e);
    } catch (RedisUnavailableException e) {
      throw new RedisUnavailableException(e.getMessage() + "; start Redis there, or point"
          + " --redis or $" + ENV + " at one", e);
    }
  }

  /** The URI without its password, for messages. */
  static String redact(String uri) {
    return uri == null ? "null" : uri.replaceAll("//([^:@/]*):[^@/]*@", "//$1:***@");
  }
}
