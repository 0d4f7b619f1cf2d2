package io.sluice.bootstrap;

/**
 * The one failure type of the bootstrap module. Its message is written for the person who
 * has to act on it: it names the instance, the port, the file or the flavor involved and,
 * where there is one, the fix.
 */
public final class BootstrapException extends RuntimeException {
  public BootstrapException(String message) {
    super(message);
  }

  public BootstrapException(String message, Throwable cause) {
    super(message, cause);
  }
}
