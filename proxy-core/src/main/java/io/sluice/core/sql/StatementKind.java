package io.sluice.core.sql;

/**
 * What a statement does, as far as routing and session tracking care.
 *
 * <p>Whether a statement implicitly commits is carried by {@link Trait#IMPLICIT_COMMIT},
 * not by the kind: {@code CREATE TEMPORARY TABLE} is DDL that does not commit, and
 * {@code SET autocommit = 1} is a session change that does.
 */
public enum StatementKind {
    /** SELECT, SHOW, DESCRIBE, EXPLAIN, TABLE, VALUES, DO-free expressions: may run on a slave if its traits allow. */
    READ,
    /** SELECT ... FOR UPDATE / FOR SHARE / LOCK IN SHARE MODE. */
    LOCKING_READ,
    /** INSERT, UPDATE, DELETE, REPLACE (and WITH ... UPDATE/DELETE). */
    WRITE,
    /** CREATE/ALTER/DROP/RENAME/TRUNCATE, GRANT and friends; most implicitly commit. */
    DDL,
    BEGIN,
    /** START TRANSACTION READ ONLY. */
    BEGIN_READ_ONLY,
    COMMIT,
    ROLLBACK,
    SAVEPOINT,
    ROLLBACK_TO_SAVEPOINT,
    RELEASE_SAVEPOINT,
    /** SET [SESSION|GLOBAL] TRANSACTION ...; see {@link Classification#transactionSettings()}. */
    SET_TRANSACTION,
    /** SET of session, global or user variables, SET NAMES, SET CHARACTER SET, SET autocommit. */
    SET_SESSION,
    USE,
    /** LOCK TABLES, LOCK TABLE, FLUSH TABLES WITH READ LOCK. */
    LOCK_TABLES,
    UNLOCK_TABLES,
    XA_START,
    XA_END,
    XA_PREPARE,
    XA_COMMIT,
    XA_ROLLBACK,
    PREPARE_TEXT,
    EXECUTE_TEXT,
    DEALLOCATE_TEXT,
    CALL,
    LOAD_DATA,
    /** Several statements separated by ';' in one COM_QUERY. */
    MULTI,
    /** Anything else, including what could not be understood: always the master. */
    OTHER;

    /** Statements that open a transaction explicitly. */
    public boolean beginsTransaction() {
        return this == BEGIN || this == BEGIN_READ_ONLY || this == XA_START;
    }

    /** Statements that end a transaction explicitly. */
    public boolean endsTransaction() {
        return this == COMMIT || this == ROLLBACK || this == XA_COMMIT || this == XA_ROLLBACK;
    }
}
