package dev.bullpen.testing;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Unique names, so that test classes running in parallel on one server never share keys.
 */
public final class TestNames {

    private static final Set<String> ISSUED = ConcurrentHashMap.newKeySet();

    private TestNames() {
    }

    /**
     * Returns {@code base-<8 hex chars>}, unique within this JVM, e.g. {@code emails-3f9a0c1e}.
     * Any {@code ':'} in the base is replaced by {@code '-'}, so the result never contains one
     * (a colon would clash with the BullMQ key layout {@code bull:<queue>:...}).
     *
     * @param base a readable prefix, e.g. the test's subject
     * @return a fresh queue name
     */
    public static String uniqueQueue(String base) {
        if (base == null || base.isBlank()) {
            throw new IllegalArgumentException("base must not be blank");
        }
        String prefix = base.replace(':', '-');
        while (true) {
            String name = String.format("%s-%08x", prefix, ThreadLocalRandom.current().nextInt());
            if (ISSUED.add(name)) {
                return name;
            }
        }
    }
}
