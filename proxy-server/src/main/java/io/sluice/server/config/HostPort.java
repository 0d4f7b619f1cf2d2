package io.sluice.server.config;

/** A "host:port" address as written in routing.conf. IPv6 literals go in brackets: "[::1]:6033". */
public record HostPort(String host, int port) {

  public HostPort {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host is empty");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is outside 0..65535");
    }
  }

  /** Parses "host:port"; the message of the exception says what a correct value looks like. */
  public static HostPort parse(String text) {
    String s = text == null ? "" : text.trim();
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw new IllegalArgumentException("expected \"host:port\" (for example \"127.0.0.1:3306\"), got \"" + text + "\"");
    }
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(s.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port of \"" + text + "\" is not a number");
    }
    return new HostPort(host, port);
  }

  /** Whether only this machine can reach the address (127.0.0.0/8, ::1 or localhost). */
  public boolean isLoopback() {
    return isLoopbackHost(host);
  }

  public static boolean isLoopbackHost(String host) {
    String h = host.toLowerCase(java.util.Locale.ROOT);
    return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
  }

  /**
   * The same server under one spelling: host names are case-insensitive and localhost, ::1 and
   * 127.0.0.1 reach the same local server, so "localhost:3307" and "127.0.0.1:3307" are one.
   */
  public HostPort canonical() {
    String h = host.toLowerCase(java.util.Locale.ROOT);
    if (h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")) {
      h = "127.0.0.1";
    }
    return new HostPort(h, port);
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
