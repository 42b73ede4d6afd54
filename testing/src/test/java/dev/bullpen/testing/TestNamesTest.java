package dev.bullpen.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TestNamesTest {

    @Test
    void appendsEightHexChars() {
        assertThat(TestNames.uniqueQueue("emails")).matches("emails-[0-9a-f]{8}");
    }

    @Test
    void neverContainsAColon() {
        assertThat(TestNames.uniqueQueue("bull:emails")).doesNotContain(":").startsWith("bull-emails-");
    }

    @Test
    void isUnique() {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(names.add(TestNames.uniqueQueue("q"))).isTrue();
        }
    }

    @Test
    void rejectsABlankBase() {
        assertThatThrownBy(() -> TestNames.uniqueQueue(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TestNames.uniqueQueue(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
