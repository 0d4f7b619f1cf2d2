package io.sluice.core.cluster;

import java.util.Objects;

/**
 * One MySQL server the proxy may send statements to.
 *
 * @param name   unique within a cluster; the key for selector state and metrics
 * @param weight relative share of reads among usable slaves; 0 means never chosen for reads
 */
public record Backend(String name, String host, int port, BackendRole role, int weight) {

    public Backend {
        Objects.requireNonNull(role, "role");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("backend name must not be blank");
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("backend " + name + ": host must not be blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("backend " + name + ": port must be in 1..65535, got " + port);
        }
        if (weight < 0) {
            throw new IllegalArgumentException("backend " + name + ": weight must be >= 0, got " + weight);
        }
    }

    /** {@code host:port}, with IPv6 literals in brackets. */
    public String address() {
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }
}
