package io.sluice.core.sql;

/**
 * What a SET TRANSACTION statement asks for.
 *
 * @param sessionScope true for SET SESSION TRANSACTION (every later transaction); false for
 *                     SET TRANSACTION, which applies to the next transaction only
 * @param isolation    the isolation level written, or null when not given
 * @param readOnly     TRUE for READ ONLY, FALSE for READ WRITE, null when not given
 */
public record TransactionSettings(boolean sessionScope, IsolationLevel isolation, Boolean readOnly) {
}
