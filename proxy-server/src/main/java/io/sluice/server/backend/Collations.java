package io.sluice.server.backend;

import io.sluice.core.session.CharsetSetting;
import java.util.Map;

/**
 * Collation ids as sent in the handshake, mapped to the SET NAMES they stand for. The
 * handshake's collation acts like SET NAMES on the server; a session whose collation differs
 * from a pooled connection's gets SET NAMES before its first statement there.
 */
public final class Collations {
  private record Named(String charset, String collation) {}

  private static final Map<Integer, Named> BY_ID = Map.ofEntries(
      Map.entry(1, new Named("big5", "big5_chinese_ci")),
      Map.entry(84, new Named("big5", "big5_bin")),
      Map.entry(13, new Named("sjis", "sjis_japanese_ci")),
      Map.entry(88, new Named("sjis", "sjis_bin")),
      Map.entry(95, new Named("cp932", "cp932_japanese_ci")),
      Map.entry(96, new Named("cp932", "cp932_bin")),
      Map.entry(87, new Named("gbk", "gbk_bin")),
      Map.entry(248, new Named("gb18030", "gb18030_chinese_ci")),
      Map.entry(249, new Named("gb18030", "gb18030_bin")),
      Map.entry(8, new Named("latin1", "latin1_swedish_ci")),
      Map.entry(11, new Named("ascii", "ascii_general_ci")),
      Map.entry(28, new Named("gbk", "gbk_chinese_ci")),
      Map.entry(33, new Named("utf8mb3", "utf8mb3_general_ci")),
      Map.entry(45, new Named("utf8mb4", "utf8mb4_general_ci")),
      Map.entry(46, new Named("utf8mb4", "utf8mb4_bin")),
      Map.entry(47, new Named("latin1", "latin1_bin")),
      Map.entry(63, new Named("binary", "binary")),
      Map.entry(83, new Named("utf8mb3", "utf8mb3_bin")),
      Map.entry(192, new Named("utf8mb3", "utf8mb3_unicode_ci")),
      Map.entry(224, new Named("utf8mb4", "utf8mb4_unicode_ci")),
      Map.entry(255, new Named("utf8mb4", "utf8mb4_0900_ai_ci")));

  private Collations() {}

  /**
   * The setting for a handshake collation id. An id this table does not know keeps its
   * numeric form in the collation name, so two sessions with the same unknown id still match
   * each other and a session never gets a SET NAMES it did not ask for.
   */
  public static CharsetSetting charsetSetting(int collationId) {
    Named n = BY_ID.get(collationId);
    return n == null
        ? CharsetSetting.names("collation-id-" + collationId, null)
        : CharsetSetting.names(n.charset(), n.collation());
  }
}
