package dev.bullpen.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.resource.EpollProvider;
import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Bullpen ships Netty's native epoll transport for Linux; Lettuce picks it up only when its
 * native library loads, which needs the exact Netty version Lettuce brings. This fails when the
 * dependency is dropped or its version drifts from Netty's.
 */
class NativeTransportTest {
  @Test
  @EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "aarch64"})
  void lettuceUsesEpollOnLinux() {
    assertThat(Epoll.unavailabilityCause()).isNull();
    assertThat(EpollProvider.isAvailable()).isTrue();
  }
}
