package io.sluice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config file watch on a real file system (inotify here): what it reports, and what not. */
class ConfigWatchTest {
  /** Long enough for the watch to have seen an event and called back (its burst wait is 200 ms). */
  private static final long QUIET_MILLIS = 1_000;

  @TempDir
  Path dir;

  private final LinkedBlockingQueue<String> changes = new LinkedBlockingQueue<>();
  private final AtomicReference<Set<Path>> files = new AtomicReference<>();
  private ConfigWatch watch;

  @AfterEach
  void close() {
    if (watch != null) {
      watch.close();
    }
  }

  private void start(Path... read) throws Exception {
    files.set(Set.of(read));
    watch = ConfigWatch.start(dir, files::get, changes::add);
  }

  /** The next change reported within 5 s (null if none), after which the burst's echoes are dropped. */
  private String nextChange() throws InterruptedException {
    String change = changes.poll(5, TimeUnit.SECONDS);
    Thread.sleep(QUIET_MILLIS);
    changes.clear();
    return change;
  }

  private String changeWithin(long millis) throws InterruptedException {
    return changes.poll(millis, TimeUnit.MILLISECONDS);
  }

  @Test
  void anEditInPlaceAndAnEditorsRenameAreReportedOnceEach() throws Exception {
    Path conf = Files.writeString(dir.resolve("routing.conf"), "a = 1\n");
    start(conf);
    for (int i = 0; i < 5; i++) { // a burst of writes
      Files.writeString(conf, "a = " + i + "\n");
    }
    assertEquals("change of " + conf, changes.poll(5, TimeUnit.SECONDS));
    assertNull(changeWithin(QUIET_MILLIS), "a burst of writes counts once");

    Path saved = Files.writeString(dir.resolve(".routing.conf.swp"), "a = 2\n");
    Files.move(saved, conf, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    assertEquals("change of " + conf, nextChange());
  }

  @Test
  void otherFilesInTheDirectoryAreNotAChange() throws Exception {
    Path conf = Files.writeString(dir.resolve("routing.conf"), "a = 1\n");
    start(conf);
    Files.writeString(dir.resolve("notes.txt"), "unrelated\n");
    Files.createDirectory(dir.resolve("logs"));
    assertNull(changeWithin(QUIET_MILLIS));
    Files.writeString(conf, "a = 2\n");
    assertEquals("change of " + conf, nextChange(), "the watch still runs");
  }

  /**
   * Includes in a symlinked directory, replaced by swapping the link (how deployment tools
   * switch releases): the swap is a change, and so is a later edit in the new directory, which
   * a watch left on the old one would miss.
   */
  @Test
  void aSymlinkedDirectoryOfIncludesSwappedIsAChangeAndItsNewFilesAreWatched() throws Exception {
    // The main file elsewhere: nothing else has the link's directory watched.
    Path app = Files.createDirectory(dir.resolve("app"));
    Path conf = Files.writeString(app.resolve("routing.conf"), "include \"../conf.d/users.conf\"\n");
    Path v1 = Files.createDirectory(dir.resolve("v1"));
    Path v2 = Files.createDirectory(dir.resolve("v2"));
    Files.writeString(v1.resolve("users.conf"), "u = 1\n");
    Files.writeString(v2.resolve("users.conf"), "u = 2\n");
    Path confD = Files.createSymbolicLink(dir.resolve("conf.d"), v1.getFileName());
    Path users = confD.resolve("users.conf");
    start(conf, users);

    Files.writeString(users, "u = 11\n");
    assertEquals("change of " + users, nextChange());

    Path next = Files.createSymbolicLink(dir.resolve("conf.d.next"), v2.getFileName());
    Files.move(next, confD, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    assertEquals("change of " + confD, nextChange());

    Files.writeString(v1.resolve("users.conf"), "u = 12\n");
    assertNull(changeWithin(QUIET_MILLIS), "the old directory is no longer read");
    Files.writeString(v2.resolve("users.conf"), "u = 21\n");
    assertEquals("change of " + users, nextChange(), "the new directory is watched");
  }

  /** A ConfigMap: routing.conf -> ..data/routing.conf, ..data -> ..<timestamp>, swapped atomically. */
  @Test
  void aConfigMapUpdateIsAChange() throws Exception {
    Path first = Files.createDirectory(dir.resolve("..2026_12_01_01"));
    Files.writeString(first.resolve("routing.conf"), "a = 1\n");
    Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
    Path conf = Files.createSymbolicLink(dir.resolve("routing.conf"), Path.of("..data", "routing.conf"));
    start(conf);
    Path second = Files.createDirectory(dir.resolve("..2026_12_01_02"));
    Files.writeString(second.resolve("routing.conf"), "a = 2\n");
    Files.createSymbolicLink(dir.resolve("..data_tmp"), second.getFileName());
    Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
    String change = nextChange(); // of ..data, or of the new ..<timestamp> made just before
    assertTrue(change != null && change.startsWith("change of " + dir.resolve("..")), String.valueOf(change));
  }

  @Test
  void aDirectoryOfIncludesRemovedAndCreatedAgainIsWatchedAgain() throws Exception {
    Path conf = Files.writeString(dir.resolve("routing.conf"), "include \"more/users.conf\"\n");
    Path more = Files.createDirectory(dir.resolve("more"));
    Path users = Files.writeString(more.resolve("users.conf"), "u = 1\n");
    start(conf, users);
    Files.delete(users);
    Files.delete(more);
    nextChange(); // the removal may or may not be reported: nothing reads a missing file
    Files.createDirectory(more);
    // The directory's return is a change itself: a file written in it before the watch is set
    // up again is still read by the reload this triggers.
    assertEquals("change of " + more, nextChange());
    Files.writeString(users, "u = 2\n");
    assertEquals("change of " + users, nextChange());
  }

  @Test
  void aFileIncludedAfterAReloadIsWatched() throws Exception {
    Path conf = Files.writeString(dir.resolve("routing.conf"), "a = 1\n");
    Path other = Files.createDirectory(dir.resolve("elsewhere"));
    Path users = Files.writeString(other.resolve("users.conf"), "u = 1\n");
    start(conf);
    files.set(Set.of(conf, users)); // as the reload of this edit will list them
    Files.writeString(conf, "include \"elsewhere/users.conf\"\n");
    assertEquals("change of " + conf, nextChange());
    Files.writeString(users, "u = 2\n");
    assertEquals("change of " + users, nextChange());
  }

  @Test
  void closeEndsTheWatch() throws Exception {
    Path conf = Files.writeString(dir.resolve("routing.conf"), "a = 1\n");
    start(conf);
    watch.close();
    assertTrue(watch.awaitStopped(5_000), "the watch's thread ends");
    Files.writeString(conf, "a = 2\n");
    assertNull(changeWithin(QUIET_MILLIS));
  }
}
