package io.sluice.server;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the config file and the files it includes, and calls {@code onChange} when one of
 * them may have changed: written in place, replaced by an editor's rename, or swapped in by a
 * symlink (a Kubernetes ConfigMap's {@code ..data}, or a symlinked directory of includes). A
 * burst of writes counts once. False alarms are cheap and expected: the reload compares the
 * files' text with what it applied last.
 *
 * <p>The files read may change with each reload (an include added), so their directories are
 * asked for again before each wait. A directory that cannot be watched is warned of once and
 * tried again later; one that vanishes (deleted, unmounted) is watched again when it is back.
 */
final class ConfigWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConfigWatch.class);
  /** How long a burst of writes may take: the writer finishing, an editor's save-and-rename. */
  private static final long SETTLE_MILLIS = 200;
  /** How often directories that could not be watched (or vanished) are tried again. */
  private static final long RETRY_MILLIS = 500;

  private final Supplier<Set<Path>> files;
  private final Consumer<String> onChange;
  private final WatchService service;
  private final Map<Path, WatchKey> watched = new HashMap<>();
  private final Set<Path> warnedUnwatchable = new HashSet<>();
  private final Thread thread;

  /**
   * Starts watching, on a daemon thread; an edit made once this returns is seen. {@code files}
   * lists the absolute, normalized paths of the files read (asked again after every change);
   * {@code onChange} gets what triggered the call.
   */
  static ConfigWatch start(Path anyFile, Supplier<Set<Path>> files, Consumer<String> onChange) throws IOException {
    return new ConfigWatch(anyFile, files, onChange);
  }

  private ConfigWatch(Path anyFile, Supplier<Set<Path>> files, Consumer<String> onChange) throws IOException {
    this.files = files;
    this.onChange = onChange;
    this.service = anyFile.getFileSystem().newWatchService();
    watchDirectoriesOf(files.get()); // before returning: an edit right after start is seen
    this.thread = new Thread(this::run, "sluice-config-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (true) {
        Set<Path> read = files.get();
        watchDirectoriesOf(read);
        WatchKey key = service.poll(RETRY_MILLIS, TimeUnit.MILLISECONDS);
        if (key == null) {
          continue;
        }
        String change = relevantChange(key, read);
        if (change != null) {
          Thread.sleep(SETTLE_MILLIS);
          WatchKey more;
          while ((more = service.poll()) != null) { // the rest of the burst
            relevantChange(more, read);
          }
          onChange.accept(change);
        }
      }
    } catch (ClosedWatchServiceException e) {
      // closed: the proxy is shutting down
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // Logged, not swallowed silently: without the watch only RELOAD and SIGHUP apply edits.
      log.error("the config file watch stopped; use RELOAD or SIGHUP after editing the config", e);
    }
  }

  /**
   * The directory of each file, and where that directory is a symlink, the directory holding
   * the link: swapping the link is an event there, not in the directory itself.
   */
  private void watchDirectoriesOf(Set<Path> read) {
    Set<Path> dirs = new LinkedHashSet<>();
    for (Path f : read) {
      Path dir = f.getParent();
      dirs.add(dir);
      if (Files.isSymbolicLink(dir) && dir.getParent() != null) {
        dirs.add(dir.getParent());
      }
    }
    for (Path dir : dirs) {
      if (watched.containsKey(dir)) {
        continue;
      }
      try {
        watched.put(dir, dir.register(service, StandardWatchEventKinds.ENTRY_MODIFY,
            StandardWatchEventKinds.ENTRY_CREATE));
        warnedUnwatchable.remove(dir);
      } catch (IOException e) {
        if (warnedUnwatchable.add(dir)) {
          log.warn("cannot watch {} for changes of the config: {}; use RELOAD or SIGHUP after editing files there",
              dir, e.toString());
        }
      }
    }
  }

  /**
   * Takes the key's events and resets it; returns what changed if it may concern a file read,
   * else null. A directory whose key is no longer valid is forgotten, so that it is watched
   * again when it is back.
   */
  private String relevantChange(WatchKey key, Set<Path> read) {
    Path dir = (Path) key.watchable();
    String change = null;
    for (WatchEvent<?> e : key.pollEvents()) {
      if (e.kind() == StandardWatchEventKinds.OVERFLOW) {
        change = change != null ? change : "lost events in " + dir; // ours may have been among them
        continue;
      }
      Path p = dir.resolve((Path) e.context());
      if (read.contains(p) || p.getFileName().toString().startsWith("..")) {
        // "..data": Kubernetes updates a mounted ConfigMap by swapping this symlink, and the
        // files, symlinks through it, get no event of their own.
        change = change != null ? change : "change of " + p;
      } else if (read.stream().anyMatch(f -> f.startsWith(p))) {
        // A directory on the way to a file replaced (a symlinked directory swapped): the
        // watches below it still follow the old one, so they are set up again.
        forgetWatchesUnder(p);
        change = change != null ? change : "change of " + p;
      }
    }
    if (!key.reset()) {
      watched.remove(dir, key);
    }
    return change;
  }

  private void forgetWatchesUnder(Path replaced) {
    watched.entrySet().removeIf(w -> {
      if (w.getKey().startsWith(replaced)) {
        w.getValue().cancel();
        return true;
      }
      return false;
    });
  }

  /** For tests: waits up to {@code millis} for the watch's thread to end; true if it has. */
  boolean awaitStopped(long millis) throws InterruptedException {
    thread.join(millis);
    return !thread.isAlive();
  }

  @Override
  public void close() {
    try {
      service.close(); // ends the thread's wait with ClosedWatchServiceException
    } catch (IOException e) {
      log.debug("closing the config watch: {}", e.toString());
    }
  }
}
