package io.sluice.protocol;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The few collation ids the proxy needs (the handshake's 1-byte "character set" is really a
 * collation id) and the Java charset to decode text in them.
 */
public final class CharacterSets {
  /** MySQL 8.0's default collation. */
  public static final int UTF8MB4_0900_AI_CI = 255;
  public static final int UTF8MB4_GENERAL_CI = 45;
  public static final int UTF8MB4_BIN = 46;
  /** utf8mb3. */
  public static final int UTF8_GENERAL_CI = 33;
  public static final int UTF8_BIN = 83;
  /** latin1_swedish_ci; MySQL's "latin1" is really cp1252. */
  public static final int LATIN1_SWEDISH_CI = 8;
  public static final int LATIN1_BIN = 47;
  public static final int ASCII_GENERAL_CI = 11;
  public static final int BINARY = 63;

  private static final Charset CP1252 = Charset.forName("windows-1252");

  private CharacterSets() {}

  /**
   * The Java charset for a collation id. Unknown ids fall back to UTF-8, the only sensible
   * guess for the identifiers and SQL text the proxy decodes.
   */
  public static Charset javaCharset(int collationId) {
    if (isUtf8(collationId)) {
      return StandardCharsets.UTF_8;
    }
    return switch (collationId) {
      case LATIN1_SWEDISH_CI, LATIN1_BIN, 5, 15, 31, 48, 49, 94 -> CP1252;
      case ASCII_GENERAL_CI, 65 -> StandardCharsets.US_ASCII;
      // binary: bytes must survive a decode/encode round trip unchanged.
      case BINARY -> StandardCharsets.ISO_8859_1;
      default -> StandardCharsets.UTF_8;
    };
  }

  /** utf8mb3 (33, 83, 192-215) and utf8mb4 (45, 46, 224-247, 255-323) collations. */
  public static boolean isUtf8(int collationId) {
    return collationId == UTF8_GENERAL_CI || collationId == UTF8_BIN
        || collationId == UTF8MB4_GENERAL_CI || collationId == UTF8MB4_BIN
        || (collationId >= 192 && collationId <= 215)
        || (collationId >= 224 && collationId <= 247)
        || (collationId >= 255 && collationId <= 323);
  }
}
