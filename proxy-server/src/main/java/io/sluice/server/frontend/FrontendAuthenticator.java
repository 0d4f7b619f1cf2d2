package io.sluice.server.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.sluice.protocol.auth.CachingSha2Password;
import io.sluice.protocol.auth.MysqlNativePassword;
import io.sluice.protocol.error.ErrorCodes;
import io.sluice.protocol.error.SqlError;
import io.sluice.protocol.packet.AuthMoreData;
import io.sluice.protocol.packet.AuthSwitchRequest;
import io.sluice.server.config.ProxyConfig.UserConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The server side of one login (or COM_CHANGE_USER): verifies the client's answer for the
 * account's plugin, switching plugins when the client guessed another one.
 *
 * <pre>
 *  start(first answer)
 *    plugin differs ---------> SWITCHING --answer--> verify
 *    mysql_native_password --> verify scramble --> OK | DENIED
 *    caching_sha2_password
 *      cached account -------> verify scramble --> 0x03 + OK | DENIED
 *      not cached -----------> 0x04 FULL_AUTH
 *                                 TLS:    plaintext password --> OK | DENIED
 *                                 no TLS: 0x02 --> PEM public key --> RSA(password) --> OK | DENIED
 * </pre>
 */
public final class FrontendAuthenticator {

  /** What the session must do next. */
  public interface Outcome {
    /** Send this packet body to the client (the session supplies the sequence id) and await an answer. */
    void send(Consumer<ByteBuf> body);

    void succeeded();

    void denied(SqlError error);
  }

  private enum Step { VERIFY, FULL_AUTH, RSA_ENCRYPTED }

  private final UserConfig user;
  private final String clientHost;
  private final byte[] nonce;
  private final boolean tls;
  private final AuthCache cache;
  private final PrivateKey rsaPrivateKey;
  private final String rsaPublicKeyPem;
  private final Outcome outcome;
  private final String plugin;
  private Step step = Step.VERIFY;

  public FrontendAuthenticator(
      UserConfig user, String plugin, String clientHost, byte[] nonce, boolean tls, AuthCache cache,
      PrivateKey rsaPrivateKey, String rsaPublicKeyPem, Outcome outcome) {
    this.user = user;
    this.clientHost = clientHost;
    this.nonce = nonce;
    this.tls = tls;
    this.cache = cache;
    this.rsaPrivateKey = rsaPrivateKey;
    this.rsaPublicKeyPem = rsaPublicKeyPem;
    this.outcome = outcome;
    this.plugin = plugin;
  }

  /** The client's first answer, computed with {@code clientPlugin}. */
  public void start(String clientPlugin, byte[] answer) {
    if (clientPlugin == null || !clientPlugin.equals(plugin)) {
      // The client guessed another plugin: ask it to answer again with the account's plugin
      // and the same nonce (the trailing NUL is part of the packet, not of the nonce).
      outcome.send(buf -> new AuthSwitchRequest(plugin, withNul(nonce)).encode(buf));
      return;
    }
    onAnswer(answer);
  }

  /** Every later packet the client sends during this login. */
  public void onAnswer(byte[] answer) {
    switch (step) {
      case VERIFY -> verify(answer);
      case FULL_AUTH -> fullAuth(answer);
      case RSA_ENCRYPTED -> {
        byte[] plain = decrypt(answer);
        if (plain == null) {
          deny(true); // not our key's ciphertext: a password was sent, just not readable
        } else {
          checkPlaintext(plain);
        }
      }
    }
  }

  private void verify(byte[] answer) {
    byte[] password = password();
    if (plugin.equals(MysqlNativePassword.NAME)) {
      finish(MysqlNativePassword.verify(answer, nonce, password), !noPasswordSent(answer));
      return;
    }
    if (noPasswordSent(answer)) {
      // Right only for an account without one, and nothing to cache or ask for.
      if (password.length == 0) {
        outcome.succeeded();
      } else {
        deny(false);
      }
      return;
    }
    if (cache.contains(user.name(), user.password())) {
      if (CachingSha2Password.verify(answer, nonce, password)) {
        outcome.send(buf -> new AuthMoreData(new byte[] {CachingSha2Password.FAST_AUTH_SUCCESS}).encode(buf));
        outcome.succeeded();
      } else {
        deny(true);
      }
      return;
    }
    step = Step.FULL_AUTH;
    outcome.send(buf -> new AuthMoreData(new byte[] {CachingSha2Password.PERFORM_FULL_AUTHENTICATION}).encode(buf));
  }

  private void fullAuth(byte[] answer) {
    if (tls) {
      checkPlaintext(answer);
    } else if (answer.length == 1 && answer[0] == CachingSha2Password.REQUEST_PUBLIC_KEY) {
      step = Step.RSA_ENCRYPTED;
      byte[] pem = rsaPublicKeyPem.getBytes(StandardCharsets.US_ASCII);
      outcome.send(buf -> new AuthMoreData(pem).encode(buf));
    } else {
      // A plaintext password over an unencrypted connection: refuse it, as MySQL does.
      outcome.denied(ErrorCodes.accessDenied(user.name(), clientHost, true));
    }
  }

  /** The password the client encrypted with our public key, or null if it cannot be decrypted. */
  private byte[] decrypt(byte[] encrypted) {
    try {
      return CachingSha2Password.rsaDecryptPassword(encrypted, nonce, rsaPrivateKey);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private void checkPlaintext(byte[] sent) {
    byte[] given = stripNul(sent);
    boolean ok = MessageDigest.isEqual(given, password());
    if (ok) {
      cache.add(user.name(), user.password());
    }
    finish(ok, given.length > 0);
  }

  /**
   * An empty answer, or a lone NUL (what Connector/J sends for an empty password): the server
   * counts both as no password, and says "(using password: NO)" when it refuses them.
   */
  private static boolean noPasswordSent(byte[] answer) {
    return answer.length == 0 || (answer.length == 1 && answer[0] == 0);
  }

  private void finish(boolean ok, boolean usingPassword) {
    if (ok) {
      outcome.succeeded();
    } else {
      deny(usingPassword);
    }
  }

  private void deny(boolean usingPassword) {
    outcome.denied(ErrorCodes.accessDenied(user.name(), clientHost, usingPassword));
  }

  private byte[] password() {
    return user.password().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] withNul(byte[] b) {
    return Arrays.copyOf(b, b.length + 1);
  }

  private static byte[] stripNul(byte[] b) {
    int n = b.length;
    while (n > 0 && b[n - 1] == 0) {
      n--;
    }
    return n == b.length ? b : Arrays.copyOf(b, n);
  }

  @Override
  public String toString() {
    return "FrontendAuthenticator[" + user.name() + " " + plugin + " " + step + " nonce=" + ByteBufUtil.hexDump(nonce).length() + "]";
  }
}
