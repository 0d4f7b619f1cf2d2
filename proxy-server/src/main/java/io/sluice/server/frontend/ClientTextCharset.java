package io.sluice.server.frontend;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The charset a client's statement text is decoded with for classification. Only the text is
 * decoded; the bytes go to the backend as they came. UTF-8 reads every ASCII-compatible
 * charset well enough to find keywords, quotes and comments, except those whose multibyte
 * characters may end in 0x5C, the byte of a backslash: decoded as UTF-8, '表' in Shift-JIS
 * (0x95 0x5C) becomes a replacement character and a backslash that escapes the closing quote,
 * and the rest of the statement (a FOR UPDATE, say) reads as part of a string.
 */
final class ClientTextCharset {
  private static final Charset SJIS = Charset.forName("Shift_JIS");
  private static final Charset CP932 = Charset.forName("windows-31j");
  private static final Charset GBK = Charset.forName("GBK");
  private static final Charset BIG5 = Charset.forName("Big5");
  private static final Charset GB18030 = Charset.forName("GB18030");

  private ClientTextCharset() {}

  /** For a session whose client charset is {@code mysqlCharset} (lower case, as SET NAMES tracks it). */
  static Charset forLexing(String mysqlCharset) {
    return switch (mysqlCharset) {
      case "sjis" -> SJIS;
      case "cp932" -> CP932;
      case "gbk" -> GBK;
      case "big5" -> BIG5;
      case "gb18030" -> GB18030;
      default -> StandardCharsets.UTF_8;
    };
  }
}
