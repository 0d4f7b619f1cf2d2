package io.sluice.server.admin;

import io.sluice.core.cluster.Backend;
import io.sluice.core.cluster.BackendHealth;
import io.sluice.core.cluster.BackendRole;
import io.sluice.core.cluster.BackendStatus;
import io.sluice.core.cluster.ClusterView;
import io.sluice.server.config.Cidr;
import io.sluice.server.config.ConfigException;
import io.sluice.server.config.HostPort;
import io.sluice.server.config.ProxyConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The admin language, Atlas's statements plus a few: each statement is matched whole (case
 * does not matter, a trailing semicolon is allowed) and runs against the live proxy. Backends
 * are numbered as {@code SELECT * FROM backends} lists them: 1 is the master, then the
 * replicas in order. Changes apply at once and last until RELOAD; SAVE CONFIG writes them
 * to the config file.
 */
public final class AdminCommands {
  private static final List<List<String>> HELP = List.of(
      List.of("SELECT * FROM help", "this list"),
      List.of("SELECT * FROM backends", "backends with index, state, type, weight, replication lag and why one"
          + " is not up"),
      List.of("(n below)", "a backend's index, or its name (indices move when backends are removed or switched)"),
      List.of("SET OFFLINE n", "take backend n out of rotation; running statements and transactions finish"),
      List.of("SET ONLINE n", "put backend n back; it takes reads once a health check passes"),
      List.of("SET WEIGHT n w", "give slave n read weight w (0: no reads)"),
      List.of("ADD SLAVE host:port[@weight]", "add a slave; it takes reads once a health check passes"),
      List.of("REMOVE BACKEND n", "remove slave n"),
      List.of("SELECT * FROM sessions", "client sessions"),
      List.of("SELECT * FROM clients", "client addresses allowed to connect (none listed: any)"),
      List.of("ADD CLIENT cidr", "allow client addresses, e.g. 10.0.0.0/8"),
      List.of("REMOVE CLIENT cidr", "stop allowing client addresses"),
      List.of("RELOAD", "re-read the config file and apply backends, weights, users and limits"),
      List.of("SAVE CONFIG", "write the live backends and client list into the config file"),
      List.of("SWITCHOVER n", "make slave n the master: fence the master, let n catch up (writes wait meanwhile,"
          + " 30 s at most, then the switchover is abandoned), repoint the others"),
      List.of("FAILOVER", "with the master down: promote the most advanced slave and repoint the others"));

  /** A backend: its index in SELECT * FROM backends, or its name, bare or quoted ('', "" or ``). */
  private static final String BACKEND = "(\\d+|'[^']+'|\"[^\"]+\"|`[^`]+`|[^\\s'\"`]+)";
  private static final Pattern SET_STATE = Pattern.compile("set\\s+(offline|online)\\s+" + BACKEND,
      Pattern.CASE_INSENSITIVE);
  private static final Pattern SET_WEIGHT = Pattern.compile("set\\s+weight\\s+" + BACKEND + "\\s+(\\d+)",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern ADD_SLAVE = Pattern.compile("add\\s+slave\\s+(\\S+?)(?:@(\\d+))?");
  private static final Pattern REMOVE_BACKEND = Pattern.compile("remove\\s+backend\\s+" + BACKEND,
      Pattern.CASE_INSENSITIVE);
  private static final Pattern CLIENT = Pattern.compile("(add|remove)\\s+client\\s+(\\S+)");
  private static final Pattern SWITCHOVER = Pattern.compile("switchover\\s+" + BACKEND, Pattern.CASE_INSENSITIVE);
  private static final Pattern SELECT_FROM = Pattern.compile("select\\s+\\*\\s+from\\s+(\\w+)");
  /**
   * A client's session settings (SET NAMES, SET autocommit = 1, ...: what drivers send when
   * they connect), never an admin command: those have no '='.
   */
  private static final Pattern CLIENT_SETTING = Pattern.compile("set\\s+(names\\s.*|character\\s+set\\s.*|.*=.*)");

  private final AdminContext context;

  public AdminCommands(AdminContext context) {
    this.context = context;
  }

  /**
   * Whether {@code statement} is one that changes the proxy (backends, weights, clients, the
   * config file, the master), which the admin session logs with who ran it and the outcome.
   */
  public static boolean changesSomething(String statement) {
    String s = withoutTerminator(statement);
    String spaced = s.replaceAll("\\s+", " ");
    String lower = spaced.toLowerCase(Locale.ROOT);
    return SET_STATE.matcher(spaced).matches() || SET_WEIGHT.matcher(spaced).matches()
        || ADD_SLAVE.matcher(lower).matches() || REMOVE_BACKEND.matcher(spaced).matches()
        || CLIENT.matcher(lower).matches() || SWITCHOVER.matcher(spaced).matches()
        || lower.equals("reload") || lower.equals("failover") || lower.equals("save config");
  }

  private static String withoutTerminator(String statement) {
    String s = statement.trim();
    while (s.endsWith(";")) {
      s = s.substring(0, s.length() - 1).trim();
    }
    return s;
  }

  public AdminResult run(String statement) {
    String s = withoutTerminator(statement);
    String lower = s.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    Matcher m;
    try {
      if ((m = SELECT_FROM.matcher(lower)).matches()) {
        return switch (m.group(1)) {
          case "help" -> new AdminResult.Table(List.of("command", "description"), HELP);
          case "backends" -> backends();
          case "sessions" -> sessions();
          case "clients" -> clients();
          default -> AdminResult.error("Unknown admin table '" + m.group(1) + "'; SELECT * FROM help lists the tables");
        };
      }
      AdminResult.Table variables = ClientVariables.answer(lower.replaceFirst("^/\\*.*?\\*/\\s*", ""));
      if (variables != null) {
        // What clients read when they connect (@@version_comment, Connector/J's settings).
        return variables;
      }
      if (CLIENT_SETTING.matcher(lower).matches()) {
        return new AdminResult.Ok(0, "");
      }
      // Backend names keep their case: these match the statement as written.
      String spaced = s.replaceAll("\\s+", " ");
      if ((m = SET_STATE.matcher(spaced)).matches()) {
        return setState(m.group(2), m.group(1).equalsIgnoreCase("offline"));
      }
      if ((m = SET_WEIGHT.matcher(spaced)).matches()) {
        return setWeight(m.group(1), Integer.parseInt(m.group(2)));
      }
      if ((m = ADD_SLAVE.matcher(s.replaceAll("\\s+", " ").toLowerCase(Locale.ROOT))).matches()) {
        return addSlave(m.group(1), m.group(2) == null ? 1 : Integer.parseInt(m.group(2)));
      }
      if ((m = REMOVE_BACKEND.matcher(spaced)).matches()) {
        return removeBackend(m.group(1));
      }
      if ((m = CLIENT.matcher(lower)).matches()) {
        return client(m.group(1).equals("add"), m.group(2));
      }
      if (lower.equals("reload")) {
        return new AdminResult.Ok(0, context.reload());
      }
      if ((m = SWITCHOVER.matcher(spaced)).matches()) {
        String name = replica(context.runtime().view(), m.group(1)).backend().name();
        return new AdminResult.Ok(1, context.switchover(name));
      }
      if (lower.equals("failover")) {
        return new AdminResult.Ok(1, context.failover());
      }
      if (lower.equals("save config")) {
        return new AdminResult.Ok(0, "saved to " + context.saveConfig());
      }
    } catch (ConfigException e) {
      return AdminResult.error(e.getMessage() + "; the running configuration is unchanged");
    } catch (NumberFormatException e) {
      return AdminResult.error("number out of range in '" + s + "'");
    } catch (IllegalArgumentException | IllegalStateException e) {
      return AdminResult.error(e.getMessage());
    } catch (java.io.UncheckedIOException e) {
      return AdminResult.error(e.getMessage() + "; the running configuration is unchanged");
    } catch (com.typesafe.config.ConfigException e) {
      return AdminResult.error("cannot read the config file: " + e.getMessage() + "; fix it, then try again");
    }
    return AdminResult.syntax(s);
  }

  private AdminResult backends() {
    ClusterView view = context.runtime().view();
    List<List<String>> rows = new ArrayList<>();
    rows.add(row(1, view.master(), view.masterHealth(), 0));
    int n = 2;
    for (BackendStatus r : view.replicas()) {
      rows.add(row(n++, r.backend(), r.health(), r.lagMillis()));
    }
    return new AdminResult.Table(
        List.of("backend_ndx", "name", "address", "state", "type", "weight", "lag_ms", "reason"), rows);
  }

  private List<String> row(int ndx, Backend b, BackendHealth health, long lagMillis) {
    String type = switch (b.role()) {
      case MASTER -> "rw";
      case RELAY -> "relay";
      case SLAVE -> "ro";
    };
    return List.of(String.valueOf(ndx), b.name(), b.address(), health.name().toLowerCase(Locale.ROOT), type,
        String.valueOf(b.weight()), lagMillis == BackendStatus.UNKNOWN_LAG ? "" : String.valueOf(lagMillis),
        health == BackendHealth.UP ? "" : context.runtime().healthReason(b.name()));
  }

  private AdminResult sessions() {
    List<List<String>> rows = new ArrayList<>();
    for (AdminContext.SessionInfo s : context.sessions()) {
      rows.add(List.of(String.valueOf(s.id()), s.user(), s.host(), s.state(), s.backend(), s.consistency()));
    }
    return new AdminResult.Table(List.of("id", "user", "host", "state", "backend", "consistency"), rows);
  }

  private AdminResult clients() {
    List<List<String>> rows = new ArrayList<>();
    for (Cidr c : context.runtime().clients().allow()) {
      rows.add(List.of(c.text()));
    }
    return new AdminResult.Table(List.of("client"), rows);
  }

  /**
   * The replica {@code ref} names: its index (2..) in SELECT * FROM backends or its name; an
   * exception names the valid choices. A name does not move when others are removed or
   * switched over, an index does.
   */
  private static BackendStatus replica(ClusterView view, String ref) {
    if (ref.chars().allMatch(Character::isDigit)) {
      return replica(view, Integer.parseInt(ref));
    }
    String quoted = ref.startsWith("'") || ref.startsWith("\"") || ref.startsWith("`")
        ? ref.substring(1, ref.length() - 1) : ref;
    // Exact first; else the one name that differs only in case, as MySQL matches host names.
    List<String> names = new ArrayList<>();
    names.add(view.master().name());
    view.replicas().forEach(r -> names.add(r.backend().name()));
    List<String> matches = names.contains(quoted) ? List.of(quoted)
        : names.stream().filter(n -> n.equalsIgnoreCase(quoted)).toList();
    if (matches.size() != 1) {
      throw new IllegalArgumentException("no backend named '" + quoted + "'; SELECT * FROM backends lists "
          + String.join(", ", names.subList(1, names.size())) + " besides the master " + view.master().name());
    }
    String name = matches.get(0);
    if (view.master().name().equals(name)) {
      throw new IllegalArgumentException(name + " is the master; this statement applies to slaves only");
    }
    return view.replica(name).orElseThrow();
  }

  /** The replica numbered {@code ndx} (2..), or an exception naming the valid range. */
  private static BackendStatus replica(ClusterView view, int ndx) {
    if (ndx == 1) {
      throw new IllegalArgumentException("backend 1 is the master; this statement applies to slaves only");
    }
    List<BackendStatus> replicas = view.replicas();
    if (ndx < 2 || ndx > replicas.size() + 1) {
      throw new IllegalArgumentException("no backend " + ndx + "; SELECT * FROM backends lists 1.." + (replicas.size() + 1));
    }
    return replicas.get(ndx - 2);
  }

  private AdminResult setState(String ref, boolean offline) {
    context.runtime().updateView(view -> {
      BackendStatus r = replica(view, ref);
      // Back online it waits for the next health check before it takes reads.
      BackendHealth health = offline ? BackendHealth.OFFLINE
          : r.health() == BackendHealth.OFFLINE ? BackendHealth.LAGGING : r.health();
      return view.toBuilder().replica(r.backend(), health, r.lagMillis()).build();
    });
    return new AdminResult.Ok(1, "");
  }

  private AdminResult setWeight(String ref, int weight) {
    context.runtime().updateView(view -> {
      BackendStatus r = replica(view, ref);
      Backend b = r.backend();
      return view.toBuilder().replica(new Backend(b.name(), b.host(), b.port(), b.role(), weight), r.health(),
          r.lagMillis()).build();
    });
    return new AdminResult.Ok(1, "");
  }

  private AdminResult addSlave(String address, int weight) {
    HostPort hp = HostPort.parse(address);
    context.runtime().updateView(view -> {
      if (hasAddress(view.master(), hp)) {
        throw new IllegalArgumentException("the master " + view.master().name() + " has address " + address
            + "; a slave must be another server");
      }
      for (BackendStatus r : view.replicas()) {
        if (hasAddress(r.backend(), hp)) {
          throw new IllegalArgumentException("backend " + r.backend().name() + " already has address " + address);
        }
      }
      int n = view.replicas().size();
      String name = "slave-" + n;
      while (view.replica(name).isPresent() || view.master().name().equals(name)) {
        name = "slave-" + ++n;
      }
      return view.toBuilder().replica(new Backend(name, hp.host(), hp.port(), BackendRole.SLAVE, weight),
          BackendHealth.LAGGING, BackendStatus.UNKNOWN_LAG).build();
    });
    return new AdminResult.Ok(1, "");
  }

  private static boolean hasAddress(Backend b, HostPort address) {
    return b.host().equals(address.host()) && b.port() == address.port();
  }

  private AdminResult removeBackend(String ref) {
    context.runtime().updateView(view -> view.toBuilder().removeReplica(replica(view, ref).backend().name()).build());
    return new AdminResult.Ok(1, "");
  }

  private AdminResult client(boolean add, String text) {
    Cidr cidr = Cidr.parse(text);
    ProxyConfig.ClientsConfig now = context.runtime().clients();
    List<Cidr> allow = new ArrayList<>(now.allow());
    if (add) {
      if (allow.contains(cidr)) {
        return new AdminResult.Ok(0, "already allowed");
      }
      allow.add(cidr);
    } else if (!allow.remove(cidr)) {
      return AdminResult.error("client " + text + " is not in the list; SELECT * FROM clients shows it");
    }
    context.runtime().clients(new ProxyConfig.ClientsConfig(allow, now.maxConnections(), now.waitTimeout()));
    return new AdminResult.Ok(1, "");
  }
}
