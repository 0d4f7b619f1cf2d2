package io.sluice.core.sql;

/**
 * A routing hint the application wrote as a leading comment whose whole content is
 * {@code master} or {@code slave} (Atlas's syntax, which the applications we replace use).
 */
public enum RouteHint {
    NONE,
    MASTER,
    SLAVE
}
