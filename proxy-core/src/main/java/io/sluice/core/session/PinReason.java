package io.sluice.core.session;

/**
 * Why a session must keep using its one master connection: state that lives on that
 * connection and that the proxy does not (or cannot) recreate elsewhere.
 */
public enum PinReason {
    /** CREATE TEMPORARY TABLE: the table exists on that connection only. */
    TEMPORARY_TABLES,
    /** GET_LOCK: user locks belong to the connection that took them. */
    USER_LOCKS,
    /** LOCK TABLES or FLUSH TABLES WITH READ LOCK until UNLOCK TABLES. */
    LOCK_TABLES,
    /** FLUSH TABLES WITH READ LOCK until UNLOCK TABLES: unlike table locks, BEGIN does not release it. */
    GLOBAL_READ_LOCK,
    /** LOCK INSTANCE FOR BACKUP or MariaDB's BACKUP STAGE / BACKUP LOCK until released. */
    BACKUP_LOCK,
    /** A MariaDB sequence was used: LASTVAL / PREVIOUS VALUE FOR answer what this connection took last. */
    SEQUENCE_VALUES,
    /** Text PREPARE: the statement exists on that connection until DEALLOCATE. */
    TEXT_PREPARED_STATEMENTS,
    /** SQL_CALC_FOUND_ROWS: FOUND_ROWS() must run on the same connection next. */
    FOUND_ROWS,
    /** sql_log_bin=0 is not replayed: it needs privileges and changes what replicates. */
    SQL_LOG_BIN,
    /** User variables are not replayed: any assignment pins until reset. */
    USER_VARIABLES,
    /** A change the proxy could not follow (SET ROLE, a SET it could not read, HANDLER OPEN). */
    UNTRACKED_SESSION_CHANGE,
    /** A session change inside a multi-statement text. */
    MULTI_STATEMENT_SESSION_CHANGE,
    /**
     * A stored procedure changed session state (temporary tables, user variables, locks), or
     * may have: without session-state information from the server every CALL pins.
     */
    PROCEDURE_SESSION_CHANGE,
    /**
     * A text prepared statement's EXECUTE changed session state (it ran CREATE TEMPORARY TABLE,
     * SET, GET_LOCK...), or may have: the prepared text is not in the EXECUTE statement.
     */
    EXECUTED_STATEMENT_SESSION_CHANGE
}
