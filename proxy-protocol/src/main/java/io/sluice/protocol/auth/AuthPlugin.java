package io.sluice.protocol.auth;

/**
 * A client-side authentication method: how to answer a server's nonce with a password. The
 * server side (verification) is a static method on each plugin, because it needs no state.
 */
public interface AuthPlugin {

  /** The plugin name as sent in the handshake, e.g. "caching_sha2_password". */
  String name();

  /**
   * The auth response for {@code password} and the server's nonce. An empty password gives an
   * empty response (that is how servers recognise "using password: NO"). A trailing NUL on the
   * nonce (as sent in AuthSwitchRequest) is ignored.
   */
  byte[] scramble(byte[] password, byte[] nonce);
}
