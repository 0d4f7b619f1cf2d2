package io.sluice.protocol.auth;

import java.security.MessageDigest;

/**
 * mysql_native_password: {@code SHA1(password) XOR SHA1(nonce + SHA1(SHA1(password)))}.
 * The server stores {@code SHA1(SHA1(password))} (the "*2470C0..." hash without the star), so
 * it can verify a response without knowing the password: XOR the response with
 * {@code SHA1(nonce + stored)} to get {@code SHA1(password)}, then check that its SHA1 is the
 * stored hash ({@link #verifyWithHash}).
 */
public final class MysqlNativePassword implements AuthPlugin {
  public static final String NAME = "mysql_native_password";
  private static final int NONCE_LENGTH = 20;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte[] scramble(byte[] password, byte[] nonce) {
    return scramblePassword(password, nonce);
  }

  public static byte[] scramblePassword(byte[] password, byte[] nonce) {
    if (password.length == 0) {
      return new byte[0];
    }
    byte[] n = AuthPlugins.nonce(nonce);
    MessageDigest sha1 = Digests.sha1();
    byte[] stage1 = sha1.digest(password);
    byte[] stage2 = sha1.digest(stage1);
    sha1.update(n);
    sha1.update(stage2);
    return Digests.xor(stage1, sha1.digest());
  }

  /** Server side with the plain password (constant-time comparison). */
  public static boolean verify(byte[] response, byte[] nonce, byte[] password) {
    return MessageDigest.isEqual(scramblePassword(password, nonce), response);
  }

  /**
   * Server side with the stored hash {@code SHA1(SHA1(password))} (20 bytes), as in
   * mysql.user.authentication_string after the '*' and hex decoding.
   */
  public static boolean verifyWithHash(byte[] response, byte[] nonce, byte[] doubleSha1) {
    if (response.length != NONCE_LENGTH || doubleSha1.length != NONCE_LENGTH) {
      return false;
    }
    MessageDigest sha1 = Digests.sha1();
    sha1.update(AuthPlugins.nonce(nonce));
    sha1.update(doubleSha1);
    byte[] candidateStage1 = Digests.xor(response, sha1.digest());
    return MessageDigest.isEqual(sha1.digest(candidateStage1), doubleSha1);
  }

  /** {@code SHA1(SHA1(password))}: what the server stores. */
  public static byte[] doubleSha1(byte[] password) {
    MessageDigest sha1 = Digests.sha1();
    return sha1.digest(sha1.digest(password));
  }
}
