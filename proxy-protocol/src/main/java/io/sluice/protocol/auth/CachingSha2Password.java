package io.sluice.protocol.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;

/**
 * caching_sha2_password, MySQL 8's default.
 *
 * <p>Fast path: the client sends {@code SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + nonce)}
 * (note the nonce comes <em>after</em> the hash here, unlike mysql_native_password). If the
 * server has the account in its cache it answers AuthMoreData {@link #FAST_AUTH_SUCCESS} then
 * OK. Otherwise it answers {@link #PERFORM_FULL_AUTHENTICATION} and the client must send the
 * password itself: in clear text (plus NUL) over TLS, or, without TLS, RSA-encrypted with the
 * server's public key, which it may first ask for with {@link #REQUEST_PUBLIC_KEY}.
 *
 * <p>RSA: the password plus a NUL is XORed with the nonce (repeated as needed) and encrypted
 * with RSA/ECB/OAEP (SHA-1, MGF1-SHA-1), which is what mysqld uses since 8.0.5
 * (RSA_PKCS1_OAEP_PADDING); older sha256_password servers used PKCS#1 v1.5.
 */
public final class CachingSha2Password implements AuthPlugin {
  public static final String NAME = "caching_sha2_password";
  /** Client to server: "send me your RSA public key". */
  public static final byte REQUEST_PUBLIC_KEY = 0x02;
  /** Server to client (AuthMoreData): the scramble matched the cache; OK follows. */
  public static final byte FAST_AUTH_SUCCESS = 0x03;
  /** Server to client (AuthMoreData): send the password (TLS) or RSA-encrypted password. */
  public static final byte PERFORM_FULL_AUTHENTICATION = 0x04;

  private static final String RSA_TRANSFORMATION = "RSA/ECB/OAEPWithSHA-1AndMGF1Padding";

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
    MessageDigest sha256 = Digests.sha256();
    byte[] stage1 = sha256.digest(password);
    byte[] stage2 = sha256.digest(stage1);
    sha256.update(stage2);
    sha256.update(AuthPlugins.nonce(nonce));
    return Digests.xor(stage1, sha256.digest());
  }

  /** Server side with the plain password (constant-time comparison). */
  public static boolean verify(byte[] response, byte[] nonce, byte[] password) {
    return MessageDigest.isEqual(scramblePassword(password, nonce), response);
  }

  /** Client side of full authentication without TLS. */
  public static byte[] rsaEncryptPassword(byte[] password, byte[] nonce, String pemPublicKey) {
    byte[] withNul = Arrays.copyOf(password, password.length + 1);
    byte[] plain = xorCyclic(withNul, AuthPlugins.nonce(nonce));
    try {
      Cipher cipher = Cipher.getInstance(RSA_TRANSFORMATION);
      cipher.init(Cipher.ENCRYPT_MODE, parsePublicKey(pemPublicKey));
      return cipher.doFinal(plain);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot RSA-encrypt the password with the server's key", e);
    }
  }

  /** Server side of full authentication without TLS: the password, without its trailing NUL. */
  public static byte[] rsaDecryptPassword(byte[] encrypted, byte[] nonce, PrivateKey privateKey) {
    byte[] plain;
    try {
      Cipher cipher = Cipher.getInstance(RSA_TRANSFORMATION);
      cipher.init(Cipher.DECRYPT_MODE, privateKey);
      plain = cipher.doFinal(encrypted);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot RSA-decrypt the password", e);
    }
    byte[] password = xorCyclic(plain, AuthPlugins.nonce(nonce));
    int n = password.length;
    return n > 0 && password[n - 1] == 0 ? Arrays.copyOf(password, n - 1) : password;
  }

  /** The key as mysqld sends it in AuthMoreData: X.509 SubjectPublicKeyInfo, PEM, 64-column lines. */
  public static String toPem(PublicKey key) {
    String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(key.getEncoded());
    return "-----BEGIN PUBLIC KEY-----\n" + base64 + "\n-----END PUBLIC KEY-----\n";
  }

  /**
   * Reads "BEGIN PUBLIC KEY" (X.509, what mysqld sends) or "BEGIN RSA PUBLIC KEY" (PKCS#1, as
   * some key files on disk are), wrapping the latter in the X.509 structure Java expects.
   */
  public static PublicKey parsePublicKey(String pem) {
    boolean pkcs1 = pem.contains("BEGIN RSA PUBLIC KEY");
    String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    byte[] der = Base64.getDecoder().decode(base64);
    if (pkcs1) {
      der = wrapPkcs1(der);
    }
    try {
      return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an RSA public key", e);
    }
  }

  private static byte[] xorCyclic(byte[] data, byte[] nonce) {
    if (nonce.length == 0) {
      throw new IllegalArgumentException("empty nonce");
    }
    byte[] out = new byte[data.length];
    for (int i = 0; i < data.length; i++) {
      out[i] = (byte) (data[i] ^ nonce[i % nonce.length]);
    }
    return out;
  }

  /** SEQUENCE { SEQUENCE { rsaEncryption OID, NULL }, BIT STRING { pkcs1 } }. */
  private static byte[] wrapPkcs1(byte[] pkcs1) {
    byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
        0x01, 0x05, 0x00};
    byte[] bitString = concat(new byte[] {0x03}, derLength(pkcs1.length + 1), new byte[] {0x00}, pkcs1);
    byte[] body = concat(algorithm, bitString);
    return concat(new byte[] {0x30}, derLength(body.length), body);
  }

  private static byte[] derLength(int length) {
    if (length < 0x80) {
      return new byte[] {(byte) length};
    }
    if (length < 0x100) {
      return new byte[] {(byte) 0x81, (byte) length};
    }
    if (length < 0x10000) {
      return new byte[] {(byte) 0x82, (byte) (length >> 8), (byte) length};
    }
    return new byte[] {(byte) 0x83, (byte) (length >> 16), (byte) (length >> 8), (byte) length};
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
