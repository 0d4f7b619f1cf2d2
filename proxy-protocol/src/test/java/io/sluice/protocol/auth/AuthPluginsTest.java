package io.sluice.protocol.auth;

import static io.sluice.protocol.Bytes.hexOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.MGF1ParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AuthPluginsTest {
  private static final byte[] NONCE = {10, 47, 74, 111, 75, 73, 34, 48, 88, 76, 114, 74, 37, 13, 3, 80, 82, 2, 23, 21};
  private static KeyPair rsa;

  @BeforeAll
  static void generateKey() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    rsa = gen.generateKeyPair();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] withNul(byte[] nonce) {
    return Arrays.copyOf(nonce, nonce.length + 1);
  }

  @Test
  void nativePasswordMatchesAStepByStepComputation() throws Exception {
    byte[] pw = utf8("secret");
    MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
    byte[] stage1 = sha1.digest(pw);
    byte[] stage2 = sha1.digest(stage1);
    sha1.update(NONCE);
    byte[] mix = sha1.digest(stage2);
    byte[] expected = new byte[20];
    for (int i = 0; i < 20; i++) {
      expected[i] = (byte) (stage1[i] ^ mix[i]);
    }
    assertArrayEquals(expected, new MysqlNativePassword().scramble(pw, NONCE));
    assertTrue(MysqlNativePassword.verify(expected, NONCE, pw));
    assertFalse(MysqlNativePassword.verify(expected, NONCE, utf8("Secret")));
  }

  @Test
  void nativePasswordStoredHashMatchesMysqlsPublishedPasswordFunction() {
    // PASSWORD('password') = '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19' in MySQL 5.x.
    byte[] stored = ByteBufUtil.decodeHexDump("2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19");
    assertArrayEquals(stored, MysqlNativePassword.doubleSha1(utf8("password")));
    byte[] response = MysqlNativePassword.scramblePassword(utf8("password"), NONCE);
    assertTrue(MysqlNativePassword.verifyWithHash(response, NONCE, stored));
    assertFalse(MysqlNativePassword.verifyWithHash(MysqlNativePassword.scramblePassword(utf8("x"), NONCE), NONCE, stored));
    assertFalse(MysqlNativePassword.verifyWithHash(new byte[0], NONCE, stored));
  }

  @Test
  void cachingSha2MatchesPublishedVectorsFromGoSqlDriver() {
    // go-sql-driver/mysql auth_test.go TestScrambleSHA256Pass.
    assertEquals("f490e76f66d9d86665ce54d98c78d0acfe2fb0b08b423da807144873d30b312c",
        hexOf(new CachingSha2Password().scramble(utf8("secret"), NONCE)));
    assertEquals("abc3934a012cf342e876071c8ee202de51785b430258a7a0138bc79c4d800bc6",
        hexOf(new CachingSha2Password().scramble(utf8("secret2"), NONCE)));
  }

  @Test
  void cachingSha2MatchesAStepByStepComputation() throws Exception {
    byte[] pw = utf8("pässwörd");
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    byte[] stage1 = sha256.digest(pw);
    byte[] stage2 = sha256.digest(stage1);
    sha256.update(stage2);
    byte[] mix = sha256.digest(NONCE); // hash first, nonce second: the reverse of native
    byte[] expected = new byte[32];
    for (int i = 0; i < 32; i++) {
      expected[i] = (byte) (stage1[i] ^ mix[i]);
    }
    assertArrayEquals(expected, CachingSha2Password.scramblePassword(pw, NONCE));
    assertTrue(CachingSha2Password.verify(expected, NONCE, pw));
    assertFalse(CachingSha2Password.verify(expected, NONCE, utf8("other")));
  }

  @Test
  void trailingNulOfThePluginDataIsNotPartOfTheNonce() {
    byte[] pw = utf8("secret");
    assertArrayEquals(MysqlNativePassword.scramblePassword(pw, NONCE),
        MysqlNativePassword.scramblePassword(pw, withNul(NONCE)));
    assertArrayEquals(CachingSha2Password.scramblePassword(pw, NONCE),
        CachingSha2Password.scramblePassword(pw, withNul(NONCE)));
  }

  @Test
  void emptyPasswordGivesAnEmptyResponse() {
    assertEquals(0, new MysqlNativePassword().scramble(new byte[0], NONCE).length);
    assertEquals(0, new CachingSha2Password().scramble(new byte[0], NONCE).length);
    assertTrue(MysqlNativePassword.verify(new byte[0], NONCE, new byte[0]));
    assertTrue(CachingSha2Password.verify(new byte[0], NONCE, new byte[0]));
  }

  @Test
  void rsaEncryptedPasswordIsOaepSha1OfPasswordPlusNulXoredWithTheNonce() throws Exception {
    byte[] pw = utf8("a password longer than the twenty byte nonce");
    byte[] encrypted = CachingSha2Password.rsaEncryptPassword(pw, withNul(NONCE),
        CachingSha2Password.toPem(rsa.getPublic()));
    assertEquals(256, encrypted.length);
    // Independent decryption with explicitly spelled-out OAEP parameters (SHA-1, MGF1-SHA-1).
    Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
    cipher.init(Cipher.DECRYPT_MODE, rsa.getPrivate(),
        new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT));
    byte[] plain = cipher.doFinal(encrypted);
    assertEquals(pw.length + 1, plain.length);
    for (int i = 0; i < plain.length; i++) {
      byte clear = i < pw.length ? pw[i] : 0;
      assertEquals((byte) (clear ^ NONCE[i % NONCE.length]), plain[i], "byte " + i);
    }
    assertArrayEquals(pw, CachingSha2Password.rsaDecryptPassword(encrypted, NONCE, rsa.getPrivate()));
  }

  @Test
  void pemRoundTripsAndPkcs1KeysAreAccepted() {
    String pem = CachingSha2Password.toPem(rsa.getPublic());
    assertTrue(pem.startsWith("-----BEGIN PUBLIC KEY-----\n"));
    assertTrue(pem.endsWith("\n-----END PUBLIC KEY-----\n"));
    assertTrue(pem.lines().allMatch(l -> l.length() <= 64));
    assertEquals(rsa.getPublic(), CachingSha2Password.parsePublicKey(pem));
    // A 2048-bit SubjectPublicKeyInfo has a 24-byte header before the PKCS#1 RSAPublicKey.
    byte[] spki = rsa.getPublic().getEncoded();
    byte[] pkcs1 = Arrays.copyOfRange(spki, 24, spki.length);
    String pkcs1Pem = "-----BEGIN RSA PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(pkcs1)
        + "\n-----END RSA PUBLIC KEY-----\n";
    assertEquals(rsa.getPublic(), CachingSha2Password.parsePublicKey(pkcs1Pem));
  }

  @Test
  void pluginsAreFoundByTheirWireNames() {
    assertInstanceOf(MysqlNativePassword.class, AuthPlugins.byName("mysql_native_password").orElseThrow());
    assertInstanceOf(CachingSha2Password.class, AuthPlugins.byName("caching_sha2_password").orElseThrow());
    assertEquals("caching_sha2_password", AuthPlugins.byName("caching_sha2_password").orElseThrow().name());
    assertTrue(AuthPlugins.byName("sha256_password").isEmpty());
    assertTrue(AuthPlugins.byName(null).isEmpty());
  }
}
