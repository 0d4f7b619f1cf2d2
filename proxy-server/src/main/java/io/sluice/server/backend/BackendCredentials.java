package io.sluice.server.backend;

import java.nio.charset.StandardCharsets;

/** The account a backend connection logs in with (the client's own, whose password Sluice knows). */
public record BackendCredentials(String user, String password) {
  public byte[] passwordBytes() {
    return password.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "BackendCredentials[user=" + user + "]";
  }
}
