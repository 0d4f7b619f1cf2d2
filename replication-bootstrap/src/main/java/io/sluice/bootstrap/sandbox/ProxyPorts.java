package io.sluice.bootstrap.sandbox;

/** The ports a proxy in front of the sandbox should use; written into routing.conf. */
public record ProxyPorts(int listen, int admin, int metrics) {}
