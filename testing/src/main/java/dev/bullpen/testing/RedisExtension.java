package dev.bullpen.testing;

import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 extension that injects a {@link RedisServer} into test-method, constructor and lifecycle
 * (e.g. {@code @BeforeAll}) parameters. Apply it with {@link RedisTest @RedisTest} or
 * {@code @ExtendWith(RedisExtension.class)}.
 *
 * <ul>
 *   <li>Per class (default): one server per top-level test class (its {@code @Nested} classes
 *       share it), started on first need and closed after the class.</li>
 *   <li>Shared ({@code @RedisTest(shared = true)}): one server for the whole JVM run, closed when
 *       the run ends.</li>
 * </ul>
 *
 * <p>Every injection hands out a running server: if an earlier test left it paused it is resumed,
 * and if one stopped or killed it, it is restarted on the same port (data may be gone).
 */
public final class RedisExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(RedisExtension.class);
    // distinct keys: a store lookup also sees the values of its ancestors' stores
    private static final String SHARED_KEY = "shared-redis-server";
    private static final String CLASS_KEY = "class-redis-server";

    /** Creates the extension; JUnit does this. */
    public RedisExtension() {
    }

    /**
     * Supports parameters of type {@link RedisServer}.
     *
     * @param parameterContext the parameter
     * @param extensionContext the current context
     * @return true for {@code RedisServer} parameters
     */
    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == RedisServer.class;
    }

    /**
     * Returns the class's (or the shared) server, starting it if needed.
     *
     * @param parameterContext the parameter
     * @param extensionContext the current context
     * @return a running server
     */
    @Override
    public RedisServer resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        boolean shared = isShared(extensionContext);
        ExtensionContext owner = shared ? extensionContext.getRoot() : outermostClassContext(extensionContext);
        ServerResource resource;
        try {
            resource = owner.getStore(NAMESPACE).getOrComputeIfAbsent(shared ? SHARED_KEY : CLASS_KEY,
                    key -> new ServerResource(RedisServer.start()), ServerResource.class);
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("cannot start redis-server: " + e.getMessage(), e);
        }
        return resource.running();
    }

    private static boolean isShared(ExtensionContext context) {
        for (Optional<Class<?>> c = context.getTestClass(); c.isPresent();
                c = Optional.ofNullable(c.get().getEnclosingClass())) {
            Optional<RedisTest> annotation = AnnotationSupport.findAnnotation(c.get(), RedisTest.class);
            if (annotation.isPresent()) {
                return annotation.get().shared();
            }
        }
        return false;
    }

    /** The context of the top-level test class; the root context if there is no class. */
    private static ExtensionContext outermostClassContext(ExtensionContext context) {
        ExtensionContext result = context.getRoot();
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            if (c.getTestClass().isPresent() && c.getTestMethod().isEmpty()) {
                result = c;
            }
        }
        return result;
    }

    /** Holds a server in a JUnit store, which closes it when its context ends. */
    private static final class ServerResource implements ExtensionContext.Store.CloseableResource {
        private final RedisServer server;

        ServerResource(RedisServer server) {
            this.server = server;
        }

        synchronized RedisServer running() {
            if (server.isPaused()) {
                server.resume();
            }
            if (!server.isRunning()) {
                server.restart();
            }
            return server;
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
