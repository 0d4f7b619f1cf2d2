package io.sluice.core.sql;

/** Where a SET assignment lands. PERSIST and PERSIST_ONLY count as GLOBAL: they do not touch the session. */
public enum VariableScope {
    SESSION,
    GLOBAL,
    USER
}
