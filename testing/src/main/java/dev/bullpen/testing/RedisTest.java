package dev.bullpen.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that gets a private {@link RedisServer} injected as a parameter; shorthand for
 * {@code @ExtendWith(RedisExtension.class)}.
 *
 * <pre>{@code
 * @RedisTest
 * class QueueIT {
 *     @Test
 *     void adds(RedisServer redis) { ... }
 * }
 * }</pre>
 *
 * <p>By default each top-level test class gets its own server (so a class that kills or pauses it
 * harms nobody else). With {@code shared = true} the class uses one server shared by every such class
 * in the JVM run; use unique key names ({@link TestNames#uniqueQueue(String)}) and never kill, pause or
 * flush a shared server.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RedisExtension.class)
public @interface RedisTest {

    /**
     * Whether to use the one server shared by the whole JVM run instead of a server of this class.
     *
     * @return true for the JVM-wide server; false (default) for a per-class server
     */
    boolean shared() default false;
}
