package io.sluice.core.sql;

/** Facts about a statement that constrain where it may run or change what the session must keep. */
public enum Trait {
    /** Reads a user variable (@x): its value lives on one backend connection only. */
    USES_USER_VARIABLE,
    /** Assigns a user variable (SET @x, @x :=, INTO @x); pins the session. */
    ASSIGNS_USER_VARIABLE,
    /** Calls a function with side effects or session meaning, or one we do not know (a UDF or stored function). */
    SIDE_EFFECT_FUNCTION,
    LAST_INSERT_ID,
    /**
     * LAST_INSERT_ID(expr) sets the connection's value: an INSERT or UPDATE reports it in its OK
     * packet, a SELECT or DO does not.
     */
    SETS_LAST_INSERT_ID,
    FOUND_ROWS,
    /** ROW_COUNT(): refers to the previous statement on the same connection. */
    ROW_COUNT,
    CALC_FOUND_ROWS,
    GET_LOCK,
    RELEASE_LOCK,
    RELEASE_ALL_LOCKS,
    /** IS_USED_LOCK / IS_FREE_LOCK: user locks live on the master only. */
    USER_LOCK_QUERY,
    /** SELECT ... INTO OUTFILE / DUMPFILE / @var. */
    INTO,
    CREATES_TEMPORARY_TABLE,
    DROPS_TEMPORARY_TABLE,
    SETS_SQL_LOG_BIN,
    IMPLICIT_COMMIT,
    READ_ONLY_TRANSACTION,
    /** START TRANSACTION WITH CONSISTENT SNAPSHOT. */
    CONSISTENT_SNAPSHOT,
    /** SHOW WARNINGS, @@warning_count...: about the previous statement on the same connection. */
    PREVIOUS_STATEMENT_DIAGNOSTICS,
    /** Asks about this particular server (read_only, server_uuid, binlog position, processlist): the master answers. */
    SERVER_SPECIFIC,
    /** A sequence's next or previous value (NEXTVAL, NEXT VALUE FOR, LASTVAL, SETVAL). */
    SEQUENCE,
    /**
     * Changes session state the proxy cannot replay on another connection (SET ROLE, a SET it
     * could not read, a session change inside a multi-statement text): pins the session.
     */
    UNTRACKED_SESSION_CHANGE,
    /** FLUSH TABLES WITH READ LOCK: a global read lock this connection holds until UNLOCK TABLES (BEGIN keeps it). */
    GLOBAL_READ_LOCK,
    /** LOCK INSTANCE FOR BACKUP, MariaDB's BACKUP STAGE START and BACKUP LOCK: held by this connection until released. */
    TAKES_BACKUP_LOCK,
    /** UNLOCK INSTANCE, BACKUP STAGE END, BACKUP UNLOCK. */
    RELEASES_BACKUP_LOCK,
    /** The fast path was not sure and the parser settled it. */
    PARSED,
    /** Neither the fast path nor the parser understood the text. */
    NOT_UNDERSTOOD
}
