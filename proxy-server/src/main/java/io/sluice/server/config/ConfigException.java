package io.sluice.server.config;

import java.nio.file.Path;

/**
 * A configuration the proxy refuses to run with. The message always names the file, the key
 * and what to do about it, because the person reading it is fixing a file at 3 a.m.
 */
public final class ConfigException extends RuntimeException {
  private final Path file;
  private final int line;
  private final String key;

  public ConfigException(Path file, String key, String problem) {
    this(file, -1, key, problem);
  }

  /** With the line the key is written on (1-based; -1 when unknown), as compilers print it. */
  public ConfigException(Path file, int line, String key, String problem) {
    super(file + (line > 0 ? ":" + line : "") + ": " + (key == null || key.isEmpty() ? "" : key + ": ") + problem);
    this.file = file;
    this.line = line;
    this.key = key;
  }

  public Path file() {
    return file;
  }

  /** The line of {@link #file()} the key is written on, or -1. */
  public int line() {
    return line;
  }

  public String key() {
    return key;
  }
}
