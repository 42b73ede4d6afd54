package dev.bullpen.testing;

/**
 * Logging through SLF4J when it is on the classpath (it is an optional dependency), else nowhere.
 */
final class Log {

    private static final boolean SLF4J = present();

    private Log() {
    }

    static void info(String format, Object... args) {
        if (SLF4J) {
            Slf4j.LOG.info(format, args);
        }
    }

    static void debug(String format, Object... args) {
        if (SLF4J) {
            Slf4j.LOG.debug(format, args);
        }
    }

    private static boolean present() {
        try {
            Class.forName("org.slf4j.LoggerFactory", false, Log.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Loaded only when SLF4J is present. */
    private static final class Slf4j {
        static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RedisServer.class);
    }
}
