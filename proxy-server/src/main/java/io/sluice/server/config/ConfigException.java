package io.sluice.server.config;

import java.nio.file.Path;

/**
 * A configuration the proxy refuses to run with. The message always names the file, the key
 * and what to do about it, because the person reading it is fixing a file at 3 a.m.
 */
public final class ConfigException extends RuntimeException {
  private final Path file;
  private final String key;

  public ConfigException(Path file, String key, String problem) {
    super(file + ": " + (key == null || key.isEmpty() ? "" : key + ": ") + problem);
    this.file = file;
    this.key = key;
  }

  public Path file() {
    return file;
  }

  public String key() {
    return key;
  }
}
