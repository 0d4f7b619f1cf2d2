package io.sluice.core.session;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.sluice.core.cluster.Backend;
import io.sluice.core.cluster.BackendRole;
import io.sluice.core.sql.CharsetChange;
import io.sluice.core.sql.Classification;
import io.sluice.core.sql.IsolationLevel;
import io.sluice.core.sql.SqlLiterals;
import io.sluice.core.sql.StatementKind;
import io.sluice.core.sql.Trait;
import io.sluice.core.sql.TransactionSettings;
import io.sluice.core.sql.UserLockCall;
import io.sluice.core.sql.VariableAssignment;
import io.sluice.core.sql.VariableScope;

/**
 * Everything the proxy must remember about one client session to route its statements
 * and to give any backend connection it borrows the same session state.
 *
 * <p>Per statement the server calls, in order:
 * <pre>
 *   route = router.route(classification, session, view)
 *   session.beforeStatement(classification, backend the route names)
 *   [session.statementsToSync(connection snapshot, classification) on the connection]
 *   ... statement runs ...
 *   session.afterStatement(classification, outcome read from the final OK/EOF or ERR)
 * </pre>
 * A statement the proxy answers itself (a {@code Route.Local}) goes to {@link #absorb}.
 *
 * <p>The classifier only predicts: the status flags of each OK packet are the truth for
 * autocommit and the transaction. An ERR packet carries no flags, so after an error the
 * session keeps what it believed (an error inside a transaction keeps the transaction).
 *
 * <p>Not thread-safe by design: a session is only touched on its client's event loop.
 */
public final class SessionState {

    private static final Set<StatementKind> CONSUMES_NEXT_TRANSACTION_SETTINGS = EnumSet.of(
            StatementKind.READ, StatementKind.LOCKING_READ, StatementKind.WRITE, StatementKind.BEGIN,
            StatementKind.BEGIN_READ_ONLY, StatementKind.CALL, StatementKind.LOAD_DATA, StatementKind.MULTI,
            StatementKind.EXECUTE_TEXT, StatementKind.XA_START);

    private ConsistencyLevel consistency;

    private boolean autocommit = true;
    private boolean inTransactionByFlags;
    private boolean xaActive;
    private boolean transactionReadOnly;
    private Backend readOnlyTransactionBackend;
    private boolean noBackslashEscapes;

    private IsolationLevel isolation;
    private Boolean sessionReadOnly;
    private IsolationLevel nextIsolation;
    private Boolean nextReadOnly;

    private final EnumSet<PinReason> pins = EnumSet.noneOf(PinReason.class);
    private final Set<String> temporaryTables = new LinkedHashSet<>();
    private final Set<String> preparedStatements = new LinkedHashSet<>();
    private final UserLocks userLocks = new UserLocks();

    private String schema;
    private CharsetSetting charset;
    private final SessionVariables variables = new SessionVariables();
    private long lastInsertId;
    private String lastWrittenGtid;

    private Backend currentBackend;
    private Backend lastBackend;
    private final SlaveAffinity slaveAffinity = new SlaveAffinity();

    /**
     * @param schema  the schema from the handshake, or null
     * @param charset the charset and collation from the handshake
     */
    public SessionState(String schema, CharsetSetting charset, ConsistencyLevel consistency) {
        this.schema = schema;
        this.charset = Objects.requireNonNull(charset, "charset");
        this.consistency = Objects.requireNonNull(consistency, "consistency");
    }

    // ---- transaction -------------------------------------------------------------------

    public boolean autocommit() {
        return autocommit;
    }

    /** A transaction is open (by the server's flags, or an XA transaction is active). */
    public boolean inTransaction() {
        return inTransactionByFlags || xaActive;
    }

    public boolean transactionReadOnly() {
        return transactionReadOnly;
    }

    /** The slave a READ ONLY transaction runs on, while it is open. */
    public Optional<Backend> readOnlyTransactionBackend() {
        return inTransaction() ? Optional.ofNullable(readOnlyTransactionBackend) : Optional.empty();
    }

    /** Session isolation level, or null for the server default. */
    public IsolationLevel isolation() {
        return isolation;
    }

    /** SET TRANSACTION ISOLATION LEVEL for the next transaction only, or null. */
    public IsolationLevel nextTransactionIsolation() {
        return nextIsolation;
    }

    /** SET TRANSACTION READ ONLY / READ WRITE for the next transaction only, or null. */
    public Boolean nextTransactionReadOnlySetting() {
        return nextReadOnly;
    }

    /** Session transaction_read_only, or null for the server default. */
    public Boolean sessionTransactionReadOnly() {
        return sessionReadOnly;
    }

    /** Whether a plain BEGIN now would open a READ ONLY transaction. */
    public boolean nextTransactionReadOnly() {
        return nextReadOnly != null ? nextReadOnly : Boolean.TRUE.equals(sessionReadOnly);
    }

    /** SERIALIZABLE for the session or for the next transaction. */
    public boolean isSerializable() {
        return isolation == IsolationLevel.SERIALIZABLE || nextIsolation == IsolationLevel.SERIALIZABLE;
    }

    public boolean noBackslashEscapes() {
        return noBackslashEscapes;
    }

    // ---- pins --------------------------------------------------------------------------

    public boolean isPinnedToMaster() {
        return !pins.isEmpty();
    }

    public Set<PinReason> pins() {
        return pins.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(pins));
    }

    /**
     * The session needs its own master connection kept between statements: a transaction
     * on the master is open, autocommit is off (the next statement opens one), or a pin holds.
     */
    public boolean holdsMasterConnection() {
        return (inTransaction() && readOnlyTransactionBackend == null) || !autocommit || isPinnedToMaster();
    }

    /** Temporary tables, lower-case, qualified with the schema current when they were created. */
    public Set<String> temporaryTables() {
        return Collections.unmodifiableSet(temporaryTables);
    }

    public Set<String> textPreparedStatements() {
        return Collections.unmodifiableSet(preparedStatements);
    }

    /**
     * Whether the statement names a table with the name of one of the session's temporary
     * tables. Compared by table name only, ignoring schemas: a false match only costs a
     * read on the master.
     */
    public boolean referencesTemporaryTable(Classification c) {
        if (temporaryTables.isEmpty()) {
            return false;
        }
        for (String table : c.tables()) {
            String name = unqualified(table);
            for (String temporary : temporaryTables) {
                if (unqualified(temporary).equals(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---- session values ----------------------------------------------------------------

    public String schema() {
        return schema;
    }

    public CharsetSetting charset() {
        return charset;
    }

    /** Tracked session variables: name to SQL value text, in the order set. */
    public Map<String, String> variables() {
        return variables.asMap();
    }

    /** Changes to {@link #variables()} so far: equal counts mean nothing changed in between. */
    public int variablesChanges() {
        return variables.changes();
    }

    public long lastInsertId() {
        return lastInsertId;
    }

    /** The GTID set the server reported for the session's last write, or null. */
    public String lastWrittenGtid() {
        return lastWrittenGtid;
    }

    /**
     * Read-your-writes for a client whose connection carries no session-state info: the proxy
     * asked the master what it had executed after the write, and reads wait for that instead.
     */
    public void lastWrittenGtid(String gtids) {
        this.lastWrittenGtid = gtids;
    }

    /**
     * Whether a statement that just ran on the master may have committed changes the session
     * must later read back: a successful non-read that left no transaction open.
     */
    public boolean mayHaveCommittedWrite(Classification c, StatementOutcome outcome) {
        return consistency == ConsistencyLevel.READ_YOUR_WRITES && outcome.ok() && !inTransaction()
                && (c == null || !c.isPlainRead()) && (outcome.gtids() == null || outcome.gtids().isBlank());
    }

    public ConsistencyLevel consistency() {
        return consistency;
    }

    public void consistency(ConsistencyLevel consistency) {
        this.consistency = Objects.requireNonNull(consistency, "consistency");
    }

    /** The slave this session's plain reads stay on for now (see {@link io.sluice.core.cluster.ReadAffinity}). */
    public SlaveAffinity slaveAffinity() {
        return slaveAffinity;
    }

    /** The backend that ran the previous statement, or null before the first. */
    public Backend lastBackend() {
        return lastBackend;
    }

    /** Status flags for an OK packet the proxy writes itself. */
    public int statusFlags() {
        int flags = 0;
        if (inTransaction()) {
            flags |= ServerStatusFlags.IN_TRANS;
        }
        if (autocommit) {
            flags |= ServerStatusFlags.AUTOCOMMIT;
        }
        if (inTransaction() && transactionReadOnly) {
            flags |= ServerStatusFlags.IN_TRANS_READONLY;
        }
        if (noBackslashEscapes) {
            flags |= ServerStatusFlags.NO_BACKSLASH_ESCAPES;
        }
        return flags;
    }

    // ---- events ------------------------------------------------------------------------

    /**
     * Records where the statement runs and predicts the start of a transaction, so that
     * anything routed before the response arrives already sees it. Predictions that end a
     * transaction wait for the response: keeping a transaction too long is the safe mistake.
     */
    public void beforeStatement(Classification c, Backend target) {
        currentBackend = target;
        boolean onSlave = target != null && target.role() != BackendRole.MASTER;
        boolean onMaster = target != null && target.role() == BackendRole.MASTER;
        if (readOnlyTransactionBackend != null && onMaster) {
            // An implicit commit on the master ends the slave's read-only transaction.
            readOnlyTransactionBackend = null;
            inTransactionByFlags = false;
        }
        if (c.kind() == StatementKind.BEGIN || c.kind() == StatementKind.BEGIN_READ_ONLY) {
            inTransactionByFlags = true;
            transactionReadOnly = c.kind() == StatementKind.BEGIN_READ_ONLY || nextTransactionReadOnly();
            readOnlyTransactionBackend = onSlave ? target : null;
        }
    }

    /** Applies a statement the proxy answered itself (SET TRANSACTION for the next transaction). */
    public void absorb(Classification c) {
        if (c.transactionSettings() != null) {
            applyTransactionSettings(c.transactionSettings());
        }
    }

    /** Applies the backend's response to the statement. */
    public void afterStatement(Classification c, StatementOutcome outcome) {
        lastBackend = currentBackend;
        if (!outcome.ok()) {
            afterError(c);
            return;
        }
        boolean wasInTransaction = inTransactionByFlags;
        inTransactionByFlags = outcome.has(ServerStatusFlags.IN_TRANS);
        autocommit = outcome.has(ServerStatusFlags.AUTOCOMMIT);
        transactionReadOnly = outcome.has(ServerStatusFlags.IN_TRANS_READONLY);
        noBackslashEscapes = outcome.has(ServerStatusFlags.NO_BACKSLASH_ESCAPES);
        if (!inTransactionByFlags) {
            readOnlyTransactionBackend = null;
        }
        if (startsTransaction(c) || (inTransactionByFlags && !wasInTransaction)) {
            nextIsolation = null;
            nextReadOnly = null;
        }
        if (outcome.lastInsertId() != 0) {
            lastInsertId = outcome.lastInsertId();
        } else if (c.has(Trait.SETS_LAST_INSERT_ID)) {
            // SELECT or DO LAST_INSERT_ID(expr): the connection has a value no OK packet told us.
            pins.add(PinReason.UNTRACKED_SESSION_CHANGE);
        }
        if (outcome.gtids() != null && !outcome.gtids().isBlank()) {
            lastWrittenGtid = outcome.gtids();
        }
        applyKind(c, outcome);
        if (c.kind() == StatementKind.CALL && !Boolean.FALSE.equals(outcome.sessionStateChanged())) {
            // A procedure may create temporary tables, set user variables or take locks that
            // only this connection has; unless the server says nothing changed, stay on it.
            pins.add(PinReason.PROCEDURE_SESSION_CHANGE);
        }
        if (c.kind() == StatementKind.EXECUTE_TEXT && !Boolean.FALSE.equals(outcome.sessionStateChanged())) {
            // The same for EXECUTE: what the prepared text does is not in the EXECUTE statement.
            pins.add(PinReason.EXECUTED_STATEMENT_SESSION_CHANGE);
        }
        if (outcome.schema() != null) {
            schema = outcome.schema();
        }
        applyTraits(c);
        Boolean tablesLocked = outcome.tablesLockedByTrackedState();
        if (Boolean.TRUE.equals(tablesLocked)) {
            pins.add(PinReason.LOCK_TABLES);
        }
    }

    /**
     * COM_RESET_CONNECTION or COM_CHANGE_USER: the server rolled back, dropped temporary
     * tables, released locks and prepared statements and reset every variable. The
     * consistency level and the last written GTID belong to the client and survive.
     */
    public void reset(String schema, CharsetSetting charset) {
        this.schema = schema;
        this.charset = Objects.requireNonNull(charset, "charset");
        autocommit = true;
        inTransactionByFlags = false;
        xaActive = false;
        transactionReadOnly = false;
        readOnlyTransactionBackend = null;
        noBackslashEscapes = false;
        isolation = null;
        sessionReadOnly = null;
        nextIsolation = null;
        nextReadOnly = null;
        pins.clear();
        temporaryTables.clear();
        preparedStatements.clear();
        userLocks.releaseAll();
        variables.clear();
        lastInsertId = 0;
    }

    // ---- backend synchronisation --------------------------------------------------------

    /** Statements that give a backend connection this session's state (statement-independent part). */
    public List<String> statementsToSync(BackendSessionSnapshot current) {
        return SessionSync.statements(this, current, null);
    }

    /**
     * Statements to run on a backend connection before {@code next}: USE, SET NAMES and one
     * SET SESSION with only what differs; SET TRANSACTION when {@code next} is the next
     * transaction; DO LAST_INSERT_ID(n) when {@code next} reads it.
     */
    public List<String> statementsToSync(BackendSessionSnapshot current, Classification next) {
        return SessionSync.statements(this, current, next);
    }

    /** What the connection has after {@link #statementsToSync(BackendSessionSnapshot, Classification)} ran. */
    public BackendSessionSnapshot snapshotAfterSync(BackendSessionSnapshot current, Classification next) {
        boolean syncsLastInsertId = next != null && next.has(Trait.LAST_INSERT_ID);
        if (matches(current) && (!syncsLastInsertId || lastInsertId == current.lastInsertId())) {
            return current; // nothing was synced: no new snapshot (and no copy of the variables)
        }
        return new BackendSessionSnapshot(schema != null ? schema : current.schema(), charset, autocommit, isolation,
                sessionReadOnly, variables.asMap(), syncsLastInsertId ? lastInsertId : current.lastInsertId());
    }

    /**
     * Whether a connection in state {@code current} already has this session's schema (or the
     * session has none), charset, autocommit, isolation, read-only setting and variables.
     */
    boolean matches(BackendSessionSnapshot current) {
        return (schema == null || schema.equals(current.schema())) && charset.equals(current.charset())
                && autocommit == current.autocommit() && isolation == current.isolation()
                && Objects.equals(sessionReadOnly, current.transactionReadOnly())
                && variables.asMap().equals(current.variables());
    }

    /** What the connection has after it ran a statement of this session and reported {@code outcome}. */
    public BackendSessionSnapshot snapshotAfterStatement(BackendSessionSnapshot beforeStatement, StatementOutcome outcome) {
        return snapshotAfterSync(beforeStatement, null).withLastInsertIdFrom(outcome.ok() ? outcome.lastInsertId() : 0);
    }

    /**
     * Whether {@code c} is a transaction of its own for SET TRANSACTION's "next transaction". A
     * SELECT that reads no table (SELECT 1, SELECT @@x: drivers send such between an app's
     * statements) starts none on the server, which keeps the characteristics for the next
     * statement that does (seen on MySQL 8.0: SET TRANSACTION READ ONLY; SELECT 1; INSERT gets 1792).
     */
    private static boolean startsTransaction(Classification c) {
        return CONSUMES_NEXT_TRANSACTION_SETTINGS.contains(c.kind())
                && !(c.kind() == StatementKind.READ && c.tables().isEmpty());
    }

    /** Whether the sync before {@code next} sets the next transaction's characteristics (SET TRANSACTION). */
    public boolean syncsNextTransactionSettings(Classification next) {
        return next != null && (nextIsolation != null || nextReadOnly != null) && consumesNextTransactionSettings(next);
    }

    boolean consumesNextTransactionSettings(Classification next) {
        return startsTransaction(next) || (!autocommit && !inTransaction());
    }

    Boolean sessionReadOnlySetting() {
        return sessionReadOnly;
    }

    // ---- internals ---------------------------------------------------------------------

    private void afterError(Classification c) {
        if (c.kind() == StatementKind.PREPARE_TEXT && c.preparedStatementName() != null) {
            // A failed PREPARE still deallocates an existing statement of that name.
            preparedStatements.remove(c.preparedStatementName());
            updatePreparedStatementPin();
        }
        if (c.kind() == StatementKind.MULTI) {
            // Some of the statements may have run: keep every pin they could have created.
            applyPinsOnly(c);
        }
    }

    private void applyKind(Classification c, StatementOutcome outcome) {
        switch (c.kind()) {
            case SET_SESSION -> applySet(c, outcome.changedSystemVariables());
            case SET_TRANSACTION -> {
                if (c.transactionSettings() != null) {
                    applyTransactionSettings(c.transactionSettings());
                }
            }
            case USE -> schema = c.schema();
            case LOCK_TABLES -> pins.add(PinReason.LOCK_TABLES);
            case BEGIN, BEGIN_READ_ONLY -> pins.remove(PinReason.LOCK_TABLES); // not the global read lock
            case UNLOCK_TABLES -> {
                pins.remove(PinReason.LOCK_TABLES);
                pins.remove(PinReason.GLOBAL_READ_LOCK);
            }
            case XA_START -> xaActive = true;
            case XA_COMMIT, XA_ROLLBACK -> xaActive = false;
            case PREPARE_TEXT -> {
                preparedStatements.add(c.preparedStatementName());
                updatePreparedStatementPin();
            }
            case DEALLOCATE_TEXT -> {
                preparedStatements.remove(c.preparedStatementName());
                updatePreparedStatementPin();
            }
            case MULTI -> applyPinsOnly(c);
            default -> {
                // reads, writes, DDL and transaction control change nothing more here
            }
        }
    }

    /**
     * Session variables that are values of this connection, not settings: insert_id is used
     * once by the next INSERT (replayed later it would reuse a key), last_insert_id and identity
     * set what LAST_INSERT_ID() returns here. Setting them pins instead of being replayed.
     */
    private static final Set<String> NOT_REPLAYABLE = Set.of("insert_id", "last_insert_id", "identity");

    private void applySet(Classification c, Map<String, String> changed) {
        CharsetChange charsetChange = c.charsetChange();
        if (charsetChange != null) {
            charset = new CharsetSetting(charsetChange.names(), charsetChange.charset(), charsetChange.collation());
            variables.forgetCharsetVariables();
        }
        for (VariableAssignment assignment : c.assignments()) {
            applyAssignment(assignment, changed);
        }
        if (c.transactionSettings() != null) {
            applyTransactionSettings(c.transactionSettings());
        }
    }

    /**
     * The session-state trackers belong to the proxy: it needs them on every backend
     * connection to follow the session, restores them after a client's SET changes them, and
     * never replays a client's value elsewhere (that would switch tracking off for others).
     */
    public static boolean isProxyOwned(String variable) {
        return variable.startsWith("session_track_");
    }

    private void applyAssignment(VariableAssignment assignment, Map<String, String> changed) {
        if (assignment.scope() == VariableScope.USER) {
            pins.add(PinReason.USER_VARIABLES);
            return;
        }
        String name = assignment.name();
        boolean handledElsewhere = name.equals("autocommit") || name.equals("transaction_isolation")
                || name.equals("tx_isolation") || name.equals("transaction_read_only") || name.equals("tx_read_only");
        if (assignment.scope() == VariableScope.GLOBAL || handledElsewhere || isProxyOwned(name)) {
            return;
        }
        String tracked = changed.get(name);
        String valueText = tracked != null
                ? SessionVariables.renderTracked(name, tracked)
                : assignment.literal() ? replayableLiteral(assignment.valueText()) : null;
        if (name.equals("sql_log_bin")) {
            // Only "binary logging back on" unpins; anything we cannot read keeps the pin.
            Boolean on = valueText == null ? null : SqlLiterals.booleanValue(valueText);
            if (Boolean.TRUE.equals(on)) {
                pins.remove(PinReason.SQL_LOG_BIN);
            } else {
                pins.add(PinReason.SQL_LOG_BIN);
            }
            return;
        }
        if (valueText == null || !SessionVariables.isPlainName(name) || NOT_REPLAYABLE.contains(name)) {
            pins.add(PinReason.UNTRACKED_SESSION_CHANGE);
            return;
        }
        variables.set(name, valueText);
    }

    /**
     * A literal as it can be replayed anywhere: strings are rewritten single-quoted, because
     * "x" would be an identifier on a connection whose sql_mode has ANSI_QUOTES.
     */
    private String replayableLiteral(String valueText) {
        char first = valueText.charAt(0);
        if (first == '\'' || first == '"') {
            return SqlLiterals.quoteString(SqlLiterals.unquote(valueText, noBackslashEscapes));
        }
        return valueText;
    }

    private void applyTransactionSettings(TransactionSettings settings) {
        if (settings.sessionScope()) {
            if (settings.isolation() != null) {
                isolation = settings.isolation();
            }
            if (settings.readOnly() != null) {
                sessionReadOnly = settings.readOnly();
            }
        } else {
            if (settings.isolation() != null) {
                nextIsolation = settings.isolation();
            }
            if (settings.readOnly() != null) {
                nextReadOnly = settings.readOnly();
            }
        }
    }

    /** Effects carried by traits, whatever the statement's kind. */
    private void applyTraits(Classification c) {
        if (c.has(Trait.CREATES_TEMPORARY_TABLE)) {
            c.temporaryTables().forEach(table -> temporaryTables.add(qualified(table)));
        }
        if (c.has(Trait.DROPS_TEMPORARY_TABLE)) {
            c.temporaryTables().forEach(table -> temporaryTables.remove(qualified(table)));
        }
        updateTemporaryTablePin();
        if (c.has(Trait.CALC_FOUND_ROWS)) {
            pins.add(PinReason.FOUND_ROWS);
        } else if (!c.has(Trait.PREVIOUS_STATEMENT_DIAGNOSTICS)) {
            // The next statement after SQL_CALC_FOUND_ROWS replaced what FOUND_ROWS() reports.
            pins.remove(PinReason.FOUND_ROWS);
        }
        applyUserLocks(c);
        addTraitPins(c);
        if (c.has(Trait.RELEASES_BACKUP_LOCK) && !c.has(Trait.TAKES_BACKUP_LOCK)) {
            pins.remove(PinReason.BACKUP_LOCK);
        }
        if (c.has(Trait.UNTRACKED_SESSION_CHANGE)) {
            pins.add(c.kind() == StatementKind.MULTI
                    ? PinReason.MULTI_STATEMENT_SESSION_CHANGE : PinReason.UNTRACKED_SESSION_CHANGE);
        }
    }

    /**
     * Traits whose statement leaves something on its connection until the session says
     * otherwise: user variables, a sequence's last value (MariaDB's LASTVAL answers what this
     * connection took), a global read lock, a backup lock.
     */
    private static final TraitPin[] PINNING_TRAITS = {
            new TraitPin(Trait.ASSIGNS_USER_VARIABLE, PinReason.USER_VARIABLES),
            new TraitPin(Trait.SEQUENCE, PinReason.SEQUENCE_VALUES),
            new TraitPin(Trait.GLOBAL_READ_LOCK, PinReason.GLOBAL_READ_LOCK),
            new TraitPin(Trait.TAKES_BACKUP_LOCK, PinReason.BACKUP_LOCK)};

    private record TraitPin(Trait trait, PinReason pin) {}

    /** Adds the pins of {@link #PINNING_TRAITS}; used after both a statement and a failed multi-statement text. */
    private void addTraitPins(Classification c) {
        for (TraitPin p : PINNING_TRAITS) { // per statement: no lambda, no iterator
            if (c.has(p.trait())) {
                pins.add(p.pin());
            }
        }
    }

    private void applyUserLocks(Classification c) {
        if (c.has(Trait.RELEASE_ALL_LOCKS)) {
            userLocks.releaseAll();
        }
        for (UserLockCall call : c.userLockCalls()) {
            userLocks.apply(call);
        }
        if (userLocks.any()) {
            pins.add(PinReason.USER_LOCKS);
        } else {
            pins.remove(PinReason.USER_LOCKS);
        }
    }

    /** After a failed multi-statement text: add the pins its statements could have created, remove none. */
    private void applyPinsOnly(Classification c) {
        if (c.has(Trait.CREATES_TEMPORARY_TABLE)) {
            c.temporaryTables().forEach(table -> temporaryTables.add(qualified(table)));
            updateTemporaryTablePin();
        }
        if (c.has(Trait.GET_LOCK)) {
            c.userLockCalls().stream().filter(UserLockCall::acquire).forEach(userLocks::apply);
            pins.add(PinReason.USER_LOCKS);
        }
        if (c.has(Trait.CALC_FOUND_ROWS)) {
            pins.add(PinReason.FOUND_ROWS);
        }
        addTraitPins(c);
        if (c.has(Trait.SETS_SQL_LOG_BIN)) {
            pins.add(PinReason.SQL_LOG_BIN);
        }
        if (c.has(Trait.UNTRACKED_SESSION_CHANGE)) {
            pins.add(PinReason.MULTI_STATEMENT_SESSION_CHANGE);
        }
    }

    private void updateTemporaryTablePin() {
        if (temporaryTables.isEmpty()) {
            pins.remove(PinReason.TEMPORARY_TABLES);
        } else {
            pins.add(PinReason.TEMPORARY_TABLES);
        }
    }

    private void updatePreparedStatementPin() {
        if (preparedStatements.isEmpty()) {
            pins.remove(PinReason.TEXT_PREPARED_STATEMENTS);
        } else {
            pins.add(PinReason.TEXT_PREPARED_STATEMENTS);
        }
    }

    /** Qualifies an unqualified table name with the current schema, as MySQL resolves it. */
    private String qualified(String table) {
        if (table.indexOf('.') >= 0 || schema == null) {
            return table;
        }
        return schema.toLowerCase(Locale.ROOT) + "." + table;
    }

    private static String unqualified(String table) {
        return table.substring(table.lastIndexOf('.') + 1);
    }
}
