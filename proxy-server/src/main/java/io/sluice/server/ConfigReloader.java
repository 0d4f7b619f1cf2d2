package io.sluice.server;

import com.typesafe.config.parser.ConfigDocument;
import com.typesafe.config.parser.ConfigDocumentFactory;
import io.sluice.core.cluster.Backend;
import io.sluice.core.cluster.BackendRole;
import io.sluice.core.cluster.BackendStatus;
import io.sluice.core.cluster.ClusterView;
import io.sluice.server.config.Cidr;
import io.sluice.server.config.ConfigException;
import io.sluice.server.config.ConfigLoader;
import io.sluice.server.config.ProxyConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies an edited config file to the running proxy without dropping a connection: users,
 * per-user and total limits, the client allow-list, backends and weights. Backends that keep
 * their name and address keep their health; new ones take reads after their first health
 * check. An invalid file changes nothing. Settings bound at start (listen addresses, TLS,
 * pools, the monitor) are reported as needing a restart.
 */
public final class ConfigReloader {
  private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);

  private final ProxyRuntime runtime;
  /**
   * The text of the file and of the files it includes, as last loaded or saved here. The file
   * watch reloads only when one of them says something else: a late event for a write already
   * applied (by RELOAD, or SAVE CONFIG's own) must not undo what the admin interface changed
   * since (SET WEIGHT before SAVE CONFIG).
   */
  private java.util.Map<Path, String> applied;

  public ConfigReloader(ProxyRuntime runtime) {
    this.runtime = runtime;
    this.applied = texts(runtime.config().source());
  }

  /** The config file and the files it includes, for the file watch. */
  public synchronized java.util.Set<Path> files() {
    return applied.keySet();
  }

  /** The text of each file the config is read from; null for one unreadable now. */
  private static java.util.Map<Path, String> texts(Path source) {
    java.util.Map<Path, String> texts = new java.util.LinkedHashMap<>();
    for (Path file : ConfigLoader.filesRead(source)) {
      texts.put(file, readOrNull(file));
    }
    return java.util.Collections.unmodifiableMap(texts);
  }

  /** Reloads the file; returns a one-line summary. Throws ConfigException, naming file and key, if invalid. */
  public synchronized String reload() {
    ProxyConfig old = runtime.config();
    // The text is read before the load, not after: a write in between then differs from what
    // is recorded as applied, and its change event reloads again. Read after, the watch would
    // take the newer text for applied while the older one runs.
    java.util.Map<Path, String> text = texts(old.source());
    ProxyConfig next = ConfigLoader.load(old.source());
    String promoted = runtime.promotedMaster();
    String live = runtime.view().master().name();
    if (promoted != null && !next.backends().master().name().equals(live)) {
      // Config management pushing the file it had before a switchover, or an edit that was
      // pending when the promotion could not save: applied, it would send writes to the
      // demoted, read-only master.
      throw new ConfigException(old.source(), "sluice.backends.master", "names " + next.backends().master().name()
          + ", but " + live + " is the master since a switchover or failover of this proxy; write " + live
          + " as the master (SAVE CONFIG does) and use SWITCHOVER to change it");
    }
    List<String> restart = new ArrayList<>();
    if (!next.listen().equals(old.listen())) {
      restart.add("listen");
    }
    if (!next.admin().equals(old.admin()) || !next.metricsListen().equals(old.metricsListen())) {
      restart.add("admin/metrics");
    }
    if (!next.tls().equals(old.tls()) || !next.backendTls().equals(old.backendTls())) {
      restart.add("tls");
    }
    if (!next.pool().equals(old.pool())) {
      restart.add("pool");
    }
    if (!next.monitor().equals(old.monitor())) {
      restart.add("monitor");
    }
    if (!next.sqlLog().file().equals(old.sqlLog().file())) {
      restart.add("sql-log.file");
    }
    ClusterView before = runtime.view();
    ClusterView view = runtime.updateView(current -> ClusterViews.reloaded(current, next));
    closePoolsOfMovedBackends(before, view);
    runtime.clients(next.clients());
    runtime.sqlLog().configure(next.sqlLog());
    // Settings that need a restart keep their running values, so what config() says stays true.
    runtime.config(new ProxyConfig(old.source(), old.listen(), old.admin(), old.metricsListen(), next.users(),
        next.backends(), old.monitor(), old.pool(), old.tls(), old.backendTls(), next.clients(),
        new ProxyConfig.SqlLogConfig(next.sqlLog().mode(), next.sqlLog().slowThreshold(), old.sqlLog().file()),
        next.failover()));
    applied = text;
    String summary = "reloaded " + old.source() + ": " + next.users().size() + " users, "
        + (view.replicas().size() + 1) + " backends"
        + (restart.isEmpty() ? "" : "; changes to " + String.join(", ", restart) + " need a restart");
    log.info(summary);
    return summary;
  }

  /** A backend name now at another address must not keep handing out connections to the old one. */
  private void closePoolsOfMovedBackends(ClusterView before, ClusterView after) {
    java.util.Map<String, String> was = new java.util.HashMap<>();
    was.put(before.master().name(), before.master().address());
    before.replicas().forEach(r -> was.put(r.backend().name(), r.backend().address()));
    java.util.List<Backend> now = new ArrayList<>();
    now.add(after.master());
    after.replicas().forEach(r -> now.add(r.backend()));
    for (Backend b : now) {
      String old = was.get(b.name());
      if (old != null && !old.equals(b.address())) {
        runtime.pools().closeBackend(b.name());
      }
    }
  }

  /** For the file watch: reloads, and logs, only if a file's text is not what was last applied. */
  public synchronized void reloadIfChanged(String trigger) {
    java.util.Map<Path, String> text = texts(runtime.config().source());
    if (!text.containsValue(null) && text.equals(applied)) {
      log.debug("{}: the files say what is already applied; nothing to reload", trigger);
      return;
    }
    reloadAndLog(trigger);
  }

  private static String readOrNull(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException | RuntimeException e) {
      return null; // unreadable now: the reload that follows names the problem
    }
  }

  /** Like {@link #reload} for callers that only log: a file watch or SIGHUP. */
  public void reloadAndLog(String trigger) {
    try {
      reload();
    } catch (ConfigException e) {
      log.error("{}: config not reloaded, the running configuration stays: {}", trigger, e.getMessage());
    } catch (RuntimeException e) {
      log.error("{}: config not reloaded, the running configuration stays", trigger, e);
    }
  }

  /**
   * Writes the live topology (master and replicas, as the admin interface or a promotion left
   * them) and client allow-list into the config file, keeping its comments and every other
   * setting. Returns the file.
   */
  public synchronized String saveConfig() {
    Path file = runtime.config().source();
    ClusterView view = runtime.view();
    try {
      ConfigDocument doc = ConfigDocumentFactory.parseFile(file.toFile());
      Backend master = view.master();
      doc = doc.withValueText("sluice.backends.master",
          "{ name = " + quoted(master.name()) + ", address = " + quoted(master.address()) + " }");
      doc = doc.withValueText("sluice.backends.slaves", backends(view, BackendRole.SLAVE));
      List<String> relays = view.replicas().stream().filter(r -> r.backend().role() == BackendRole.RELAY)
          .map(r -> r.backend().name()).toList();
      // Also to empty a list an included file sets (doc.hasPath sees only this file).
      if (!relays.isEmpty() || doc.hasPath("sluice.backends.relays")
          || !runtime.config().backends().relays().isEmpty()) {
        doc = doc.withValueText("sluice.backends.relays", backends(view, BackendRole.RELAY));
      }
      List<Cidr> allow = runtime.clients().allow();
      if (!allow.isEmpty() || doc.hasPath("sluice.clients.allow")
          || !runtime.config().clients().allow().isEmpty()) {
        doc = doc.withValueText("sluice.clients.allow",
            allow.stream().map(c -> "\"" + c.text() + "\"").collect(Collectors.joining(", ", "[", "]")));
      }
      Path tmp = file.resolveSibling(file.getFileName() + ".saving");
      String text = doc.render();
      try {
        Files.writeString(tmp, text);
        ProxyConfig saved = ConfigLoader.load(tmp); // never replace a good file with one that would not load
        checkSaved(saved, view, allow, tmp, file);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException | RuntimeException e) {
        if (Files.isRegularFile(tmp)) {
          Files.deleteIfExists(tmp); // no half-written file left beside the real one
        }
        throw e;
      }
      applied = texts(file); // what runs now: the file watch need not reload it
      return file.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The saved file must read back as the live topology. It does not when a file it includes
   * after the written keys sets them again: SAVE CONFIG edits only the main file, and saving
   * would claim a persistence that the next start or RELOAD undoes.
   */
  private static void checkSaved(ProxyConfig saved, ClusterView view, List<Cidr> allow, Path tmp, Path file) {
    ProxyConfig.BackendsConfig b = saved.backends();
    List<String> savedSlaves = entries(b.slaves());
    List<String> savedRelays = entries(b.relays());
    List<String> liveSlaves = new ArrayList<>();
    List<String> liveRelays = new ArrayList<>();
    for (BackendStatus r : view.replicas()) {
      Backend x = r.backend();
      (x.role() == BackendRole.RELAY ? liveRelays : liveSlaves).add(entry(x.name(), x.host(), x.port(), x.weight()));
    }
    Backend m = view.master();
    String key = null;
    if (!b.master().name().equals(m.name()) || !b.master().address().host().equals(m.host())
        || b.master().address().port() != m.port()) {
      key = "sluice.backends.master";
    } else if (!savedSlaves.equals(liveSlaves)) {
      key = "sluice.backends.slaves";
    } else if (!savedRelays.equals(liveRelays)) {
      key = "sluice.backends.relays";
    } else if (!saved.clients().allow().equals(allow)) {
      key = "sluice.clients.allow";
    }
    if (key != null) {
      Path where = ConfigLoader.fileSetting(tmp, key).orElse(tmp);
      if (where.toAbsolutePath().equals(tmp.toAbsolutePath())) {
        throw new ConfigException(file, key, "reads back from the saved text other than the live one; nothing was saved");
      }
      throw new ConfigException(file, key, "is set in " + where + ", included by " + file.getFileName()
          + ", which overrides what SAVE CONFIG writes into " + file.getFileName() + "; move " + key + " out of "
          + where.getFileName() + " into " + file.getFileName() + ", then SAVE CONFIG again; nothing was saved");
    }
  }

  private static List<String> entries(List<ProxyConfig.BackendConfig> backends) {
    return backends.stream().map(c -> entry(c.name(), c.address().host(), c.address().port(), c.weight())).toList();
  }

  private static String entry(String name, String host, int port, int weight) {
    return name + "@" + host + ":" + port + "/" + weight;
  }

  private static String backends(ClusterView view, BackendRole role) {
    List<String> items = new ArrayList<>();
    for (BackendStatus r : view.replicas()) {
      Backend b = r.backend();
      if (b.role() == role) {
        items.add("{ name = " + quoted(b.name()) + ", address = " + quoted(b.address()) + ", weight = " + b.weight() + " }");
      }
    }
    // The document indents every line after the first by the key's own indentation.
    return items.isEmpty() ? "[]" : items.stream().collect(Collectors.joining("\n  ", "[\n  ", "\n]"));
  }

  private static String quoted(String s) {
    Objects.requireNonNull(s);
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
