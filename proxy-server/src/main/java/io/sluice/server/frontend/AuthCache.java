package io.sluice.server.frontend;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * caching_sha2_password's server-side cache, as MySQL keeps it: an account that has once
 * completed full authentication (password over TLS or RSA) may afterwards use the fast
 * scramble-only path. Keyed by user and a hash of the password, so a changed password in a
 * reloaded config needs a full authentication again.
 */
public final class AuthCache {
  private final Set<String> entries = ConcurrentHashMap.newKeySet();

  boolean contains(String user, String password) {
    return entries.contains(key(user, password));
  }

  void add(String user, String password) {
    entries.add(key(user, password));
  }

  public void clear() {
    entries.clear();
  }

  private static String key(String user, String password) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(user.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      return HexFormat.of().formatHex(sha.digest(password.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the JDK", e);
    }
  }
}
