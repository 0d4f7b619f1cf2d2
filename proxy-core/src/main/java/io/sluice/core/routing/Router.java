package io.sluice.core.routing;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

import io.sluice.core.cluster.Backend;
import io.sluice.core.cluster.BackendRole;
import io.sluice.core.cluster.ClusterView;
import io.sluice.core.cluster.SmoothWeightedRoundRobin;
import io.sluice.core.session.ConsistencyLevel;
import io.sluice.core.session.SessionState;
import io.sluice.core.session.SlaveAffinity;
import io.sluice.core.sql.Classification;
import io.sluice.core.sql.RouteHint;
import io.sluice.core.sql.StatementKind;
import io.sluice.core.sql.Trait;

/**
 * Decides where a statement runs from its classification, the session and the cluster
 * view. Apart from advancing its round-robin selector it is a pure function: it changes
 * neither the session nor the view.
 *
 * <p>The rules, first match wins:
 * <ol>
 *   <li>multi-statement text: master;</li>
 *   <li>{@code SET sluice_...}: the proxy's own settings, answered locally;</li>
 *   <li>a READ ONLY transaction open on a slave: that slave, unless the statement
 *       implicitly commits (then master, and the slave's transaction ends);</li>
 *   <li>a transaction open (BEGIN, XA, or one autocommit=0 opened): master, even after an error inside it;</li>
 *   <li>SET TRANSACTION for the next transaction: answered by the proxy;</li>
 *   <li>autocommit=0: master;</li>
 *   <li>a statement naming one of the session's temporary tables: master;</li>
 *   <li>a pinned session: master;</li>
 *   <li>a master hint: master;</li>
 *   <li>BEGIN of a READ ONLY transaction: one slave for the whole transaction (unless
 *       SERIALIZABLE, consistency PRIMARY, or no usable slave); other BEGINs: master;</li>
 *   <li>diagnostics about the previous statement: where the previous statement ran;</li>
 *   <li>anything but a plain read (writes, locking reads, side effects, user variables,
 *       INTO, SQL_CALC_FOUND_ROWS, questions about one server, what was not understood): master;</li>
 *   <li>SERIALIZABLE: master; consistency PRIMARY: master unless a slave hint;</li>
 *   <li>no usable slave: master; otherwise the slave the session's reads are staying on (the
 *       view's {@link io.sluice.core.cluster.ReadAffinity}) or a slave by smooth weighted round
 *       robin, with the session's last written GTID to wait for under READ_YOUR_WRITES.</li>
 * </ol>
 *
 * <p>Apart from advancing its selector and the session's {@link SlaveAffinity} it changes
 * neither the session nor the view. Not thread-safe because of the selector: one Router per
 * event loop.
 */
public final class Router {

    /** Traits that keep an otherwise plain SELECT off the slaves, with the reason reported. */
    private static final Set<Trait> USER_VARIABLE_TRAITS = EnumSet.of(Trait.USES_USER_VARIABLE, Trait.ASSIGNS_USER_VARIABLE);
    private static final Set<Trait> SIDE_EFFECT_TRAITS = EnumSet.of(
            Trait.SIDE_EFFECT_FUNCTION, Trait.LAST_INSERT_ID, Trait.FOUND_ROWS, Trait.ROW_COUNT, Trait.CALC_FOUND_ROWS,
            Trait.GET_LOCK, Trait.RELEASE_LOCK, Trait.RELEASE_ALL_LOCKS, Trait.USER_LOCK_QUERY, Trait.INTO,
            Trait.CREATES_TEMPORARY_TABLE, Trait.DROPS_TEMPORARY_TABLE, Trait.SETS_SQL_LOG_BIN, Trait.IMPLICIT_COMMIT,
            Trait.SEQUENCE, Trait.UNTRACKED_SESSION_CHANGE, Trait.PREVIOUS_STATEMENT_DIAGNOSTICS, Trait.NOT_UNDERSTOOD);
    /** Traits of statements that leave state on the connection that runs them (see leavesStateOnConnection). */
    private static final Set<Trait> CONNECTION_STATE_TRAITS = EnumSet.of(
            Trait.ASSIGNS_USER_VARIABLE, Trait.CREATES_TEMPORARY_TABLE, Trait.GET_LOCK, Trait.RELEASE_LOCK,
            Trait.RELEASE_ALL_LOCKS, Trait.TAKES_BACKUP_LOCK, Trait.RELEASES_BACKUP_LOCK, Trait.UNTRACKED_SESSION_CHANGE);
    /** Traits a statement about the previous one may have and still run where that one ran. */
    private static final Set<Trait> PREVIOUS_STATEMENT_TRAITS = EnumSet.of(
            Trait.PREVIOUS_STATEMENT_DIAGNOSTICS, Trait.FOUND_ROWS, Trait.ROW_COUNT, Trait.PARSED);

    private final SmoothWeightedRoundRobin selector;
    private final LongSupplier nanoClock;

    public Router() {
        this(new SmoothWeightedRoundRobin());
    }

    public Router(SmoothWeightedRoundRobin selector) {
        this(selector, System::nanoTime);
    }

    /** With the clock the read affinity's time is measured by. */
    public Router(SmoothWeightedRoundRobin selector, LongSupplier nanoClock) {
        this.selector = selector;
        this.nanoClock = nanoClock;
    }

    /**
     * Whether {@code c} visibly creates or drops state that lives on the connection running it
     * and that the proxy cannot recreate elsewhere: user variables, temporary tables, user and
     * backup locks, text prepared statements, an untracked change. Inside a READ ONLY
     * transaction on a slave, such a statement would leave that state on the slave's connection
     * while the session, pinned, goes on at the master after the transaction: the proxy refuses
     * it there rather than answer later from a connection without it. (A CALL or EXECUTE may
     * change state too, but only the server knows, afterwards: they run.)
     */
    public static boolean leavesStateOnConnection(Classification c) {
        return c.kind() == StatementKind.PREPARE_TEXT || c.kind() == StatementKind.DEALLOCATE_TEXT
                || c.traits().stream().anyMatch(CONNECTION_STATE_TRAITS::contains);
    }

    public Route route(Classification c, SessionState s, ClusterView view) {
        if (c.kind() == StatementKind.MULTI) {
            return new Route.Master(RouteReason.MULTI_STATEMENT);
        }
        if (isProxySetting(c)) {
            return new Route.Local(RouteReason.PROXY_SETTING);
        }
        Optional<Backend> readOnlySlave = s.readOnlyTransactionBackend();
        if (readOnlySlave.isPresent()) {
            if (c.has(Trait.IMPLICIT_COMMIT) && !c.kind().endsTransaction()) {
                return new Route.Master(RouteReason.ENDS_SLAVE_TRANSACTION);
            }
            return new Route.Slave(readOnlySlave.get(), RouteReason.READ_ONLY_TRANSACTION, true, null);
        }
        if (s.inTransaction()) {
            return new Route.Master(RouteReason.IN_TRANSACTION);
        }
        if (endsNoTransaction(c, s) && view.isDown(view.master().name())) {
            Backend slave = pickSlave(s, view);
            if (slave != null) {
                return new Route.Slave(slave, RouteReason.SESSION_COMMAND_MASTER_DOWN, false, null);
            }
        }
        if (c.kind() == StatementKind.SET_TRANSACTION && c.transactionSettings() != null
                && !c.transactionSettings().sessionScope()) {
            return new Route.Local(RouteReason.NEXT_TRANSACTION_SETTINGS);
        }
        if (!s.autocommit()) {
            return new Route.Master(RouteReason.AUTOCOMMIT_OFF);
        }
        if (s.referencesTemporaryTable(c)) {
            return new Route.Master(RouteReason.TEMP_TABLE);
        }
        if (s.isPinnedToMaster()) {
            return new Route.Master(RouteReason.PINNED);
        }
        if (c.hint() == RouteHint.MASTER) {
            return new Route.Master(RouteReason.HINT_MASTER);
        }
        if (c.kind() == StatementKind.BEGIN || c.kind() == StatementKind.BEGIN_READ_ONLY) {
            return begin(c, s, view);
        }
        if (isAboutPreviousStatement(c) || isGetDiagnostics(c)) {
            return previousStatementBackend(s, view);
        }
        if (!c.isPlainRead()) {
            if (isSessionCommandAnyServerRuns(c) && view.isDown(view.master().name())) {
                Backend slave = pickSlave(s, view);
                if (slave != null) {
                    return new Route.Slave(slave, RouteReason.SESSION_COMMAND_MASTER_DOWN, false, null);
                }
            }
            return new Route.Master(reasonForNonRead(c));
        }
        RouteReason blocked = reasonToKeepReadOnMaster(c);
        if (blocked != null) {
            return new Route.Master(blocked);
        }
        if (s.isSerializable()) {
            // SERIALIZABLE reads take shared locks on the master's rows; a slave cannot.
            return new Route.Master(RouteReason.SERIALIZABLE);
        }
        boolean hinted = c.hint() == RouteHint.SLAVE;
        if (!hinted && s.consistency() == ConsistencyLevel.PRIMARY) {
            return new Route.Master(RouteReason.CONSISTENCY_PRIMARY);
        }
        Backend slave = pickSlave(s, view);
        if (slave == null) {
            return new Route.Master(RouteReason.NO_USABLE_SLAVE);
        }
        return new Route.Slave(slave, hinted ? RouteReason.HINT_SLAVE : RouteReason.READ, false,
                hinted ? null : gtidToWaitFor(s));
    }

    private Route begin(Classification c, SessionState s, ClusterView view) {
        boolean readOnly = c.kind() == StatementKind.BEGIN_READ_ONLY || s.nextTransactionReadOnly();
        if (!readOnly) {
            return new Route.Master(RouteReason.IN_TRANSACTION);
        }
        if (s.isSerializable()) {
            return new Route.Master(RouteReason.SERIALIZABLE);
        }
        if (s.consistency() == ConsistencyLevel.PRIMARY) {
            return new Route.Master(RouteReason.CONSISTENCY_PRIMARY);
        }
        Backend slave = pickSlave(s, view);
        if (slave == null) {
            return new Route.Master(RouteReason.NO_USABLE_SLAVE);
        }
        return new Route.Slave(slave, RouteReason.READ_ONLY_TRANSACTION, true, gtidToWaitFor(s));
    }

    /** The slave the session's reads are staying on, else one chosen by weight (null: none usable). */
    private Backend pickSlave(SessionState s, ClusterView view) {
        SlaveAffinity affinity = s.slaveAffinity();
        if (view.readAffinity().isOff()) {
            return selector.pick(view).orElse(null);
        }
        long now = nanoClock.getAsLong();
        Backend slave = affinity.slave(view, now);
        if (slave == null) {
            slave = selector.pick(view).orElse(null);
            if (slave != null) {
                affinity.chose(slave, view.readAffinity(), now);
            }
        }
        return slave;
    }

    /**
     * SET of session variables or USE: checked and applied by whichever server runs it and
     * recorded from its answer, leaving nothing on that connection the session needs later (no
     * user variables). Asked only outside a transaction (route returned earlier otherwise), so
     * SET autocommit = 1, the drivers' connect-time statement, commits nothing.
     */
    /**
     * COMMIT or ROLLBACK with no transaction open: a no-op anywhere. While the master is down,
     * what a driver sends on close or before setAutoCommit(true) then answers OK on a slave,
     * as it would have on the master, instead of failing.
     */
    private static boolean endsNoTransaction(Classification c, SessionState s) {
        return (c.kind() == StatementKind.COMMIT || c.kind() == StatementKind.ROLLBACK)
                && !c.has(Trait.NOT_UNDERSTOOD) && !s.inTransaction() && !s.isPinnedToMaster();
    }

    private static boolean isSessionCommandAnyServerRuns(Classification c) {
        return (c.kind() == StatementKind.SET_SESSION || c.kind() == StatementKind.USE)
                && !c.has(Trait.NOT_UNDERSTOOD) && !leavesStateOnConnection(c);
    }

    /** {@code SET sluice_x = ...} with only the proxy's own variables (no server knows them). */
    public static boolean isProxySetting(Classification c) {
        if (c.kind() != StatementKind.SET_SESSION || c.assignments().isEmpty()) {
            return false;
        }
        for (var a : c.assignments()) {
            if (a.scope() != io.sluice.core.sql.VariableScope.SESSION || !a.name().startsWith("sluice_")) {
                return false;
            }
        }
        return true;
    }

    /**
     * GET DIAGNOSTICS: reads the previous statement's diagnostics into user variables, so it
     * runs where that statement ran; from a slave the variables would be left there (the
     * session goes on at the master), which the caller refuses.
     */
    public static boolean isGetDiagnostics(Classification c) {
        return c.kind() == StatementKind.OTHER && c.has(Trait.PREVIOUS_STATEMENT_DIAGNOSTICS);
    }

    private static boolean isAboutPreviousStatement(Classification c) {
        if (c.kind() != StatementKind.READ) {
            return false;
        }
        boolean about = c.has(Trait.PREVIOUS_STATEMENT_DIAGNOSTICS) || c.has(Trait.FOUND_ROWS) || c.has(Trait.ROW_COUNT);
        return about && PREVIOUS_STATEMENT_TRAITS.containsAll(c.traits());
    }

    /** The slave that ran the previous statement if it is still in the view, else the master. */
    private static Route previousStatementBackend(SessionState s, ClusterView view) {
        Backend previous = s.lastBackend();
        if (previous != null && previous.role() != BackendRole.MASTER && view.replica(previous.name()).isPresent()) {
            return new Route.Slave(previous, RouteReason.PREVIOUS_STATEMENT, false, null);
        }
        return new Route.Master(RouteReason.PREVIOUS_STATEMENT);
    }

    private static RouteReason reasonForNonRead(Classification c) {
        if (c.has(Trait.NOT_UNDERSTOOD)) {
            return RouteReason.NOT_UNDERSTOOD;
        }
        return switch (c.kind()) {
            case LOCKING_READ -> RouteReason.LOCKING_READ;
            case CALL -> RouteReason.CALL;
            case SET_SESSION, SET_TRANSACTION, USE, PREPARE_TEXT, EXECUTE_TEXT, DEALLOCATE_TEXT ->
                    RouteReason.SESSION_COMMAND;
            case BEGIN, BEGIN_READ_ONLY, COMMIT, ROLLBACK, SAVEPOINT, ROLLBACK_TO_SAVEPOINT, RELEASE_SAVEPOINT,
                    XA_START, XA_END, XA_PREPARE, XA_COMMIT, XA_ROLLBACK -> RouteReason.IN_TRANSACTION;
            case OTHER -> c.has(Trait.SERVER_SPECIFIC) ? RouteReason.SERVER_SPECIFIC : RouteReason.WRITE;
            default -> RouteReason.WRITE;
        };
    }

    private static RouteReason reasonToKeepReadOnMaster(Classification c) {
        for (Trait trait : c.traits()) {
            if (USER_VARIABLE_TRAITS.contains(trait)) {
                return RouteReason.USER_VARIABLE;
            }
        }
        for (Trait trait : c.traits()) {
            if (SIDE_EFFECT_TRAITS.contains(trait)) {
                return RouteReason.SIDE_EFFECT;
            }
        }
        if (c.has(Trait.SERVER_SPECIFIC)) {
            return RouteReason.SERVER_SPECIFIC;
        }
        return null;
    }

    private static String gtidToWaitFor(SessionState s) {
        return s.consistency() == ConsistencyLevel.READ_YOUR_WRITES ? s.lastWrittenGtid() : null;
    }
}
