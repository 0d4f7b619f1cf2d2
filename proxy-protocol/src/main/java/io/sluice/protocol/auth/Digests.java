package io.sluice.protocol.auth;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Message digests and XOR, the building blocks of both scrambles. */
final class Digests {
  private Digests() {}

  static MessageDigest sha1() {
    return digest("SHA-1");
  }

  static MessageDigest sha256() {
    return digest("SHA-256");
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      // Every Java runtime must provide SHA-1 and SHA-256.
      throw new IllegalStateException(algorithm + " missing from the Java runtime", e);
    }
  }

  static byte[] xor(byte[] a, byte[] b) {
    byte[] out = new byte[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (byte) (a[i] ^ b[i]);
    }
    return out;
  }
}
