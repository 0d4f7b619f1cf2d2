package io.sluice.protocol.auth;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/** The authentication plugins Sluice speaks, by name. */
public final class AuthPlugins {
  private static final Map<String, AuthPlugin> BY_NAME = Map.of(
      MysqlNativePassword.NAME, new MysqlNativePassword(),
      CachingSha2Password.NAME, new CachingSha2Password());

  private AuthPlugins() {}

  public static Optional<AuthPlugin> byName(String name) {
    return name == null ? Optional.empty() : Optional.ofNullable(BY_NAME.get(name));
  }

  /**
   * The nonce proper: mysqld sends its 20 random bytes followed by a NUL in both the greeting
   * and AuthSwitchRequest, and never uses 0 inside the nonce, so a trailing NUL is dropped.
   */
  public static byte[] nonce(byte[] pluginData) {
    int n = pluginData.length;
    return n > 0 && pluginData[n - 1] == 0 ? Arrays.copyOf(pluginData, n - 1) : pluginData;
  }
}
