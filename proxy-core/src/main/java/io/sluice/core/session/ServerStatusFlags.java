package io.sluice.core.session;

/**
 * The server status bits the session model reads from OK and EOF packets. They mirror the
 * protocol module's ServerStatus; core keeps its own copy so that it does not depend on
 * the wire layer.
 */
public final class ServerStatusFlags {
    /** SERVER_STATUS_IN_TRANS: a transaction is open on the connection. */
    public static final int IN_TRANS = 0x0001;
    /** SERVER_STATUS_AUTOCOMMIT. */
    public static final int AUTOCOMMIT = 0x0002;
    /** SERVER_STATUS_NO_BACKSLASH_ESCAPES: sql_mode has NO_BACKSLASH_ESCAPES; changes how literals end. */
    public static final int NO_BACKSLASH_ESCAPES = 0x0200;
    /** SERVER_STATUS_IN_TRANS_READONLY: the open transaction is READ ONLY. */
    public static final int IN_TRANS_READONLY = 0x2000;

    private ServerStatusFlags() {
    }

    public static boolean has(int flags, int flag) {
        return (flags & flag) != 0;
    }
}
