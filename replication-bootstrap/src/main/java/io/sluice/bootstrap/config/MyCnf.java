package io.sluice.bootstrap.config;

import java.util.ArrayList;
import java.util.List;

/** An option file with one {@code [mysqld]} group, built in order, with comments kept. */
final class MyCnf {
  private final List<String> lines = new ArrayList<>();

  MyCnf(String header) {
    for (String l : header.split("\n")) {
      lines.add("# " + l);
    }
    lines.add("[mysqld]");
  }

  MyCnf comment(String text) {
    lines.add("");
    for (String l : text.split("\n")) {
      lines.add("# " + l);
    }
    return this;
  }

  MyCnf option(String key, Object value) {
    lines.add(key + " = " + value);
    return this;
  }

  String render() {
    return String.join("\n", lines) + "\n";
  }
}
