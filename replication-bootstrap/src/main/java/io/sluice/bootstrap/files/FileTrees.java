package io.sluice.bootstrap.files;

import io.sluice.bootstrap.BootstrapException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.Consumer;

/** Directory-tree operations the cache and the sandbox need: copy, delete, build-then-publish. */
public final class FileTrees {
  private FileTrees() {}

  /**
   * Makes sure {@code target} exists, building it with {@code builder} if it does not. The
   * builder fills a private temporary directory next to the target, which is then renamed into
   * place in one step, so a reader (another test JVM, another CLI run) sees either nothing or a
   * complete tree, never a half-built one. If two processes build at once, the first rename wins
   * and the loser's copy is discarded.
   */
  public static Path createOnce(Path target, Consumer<Path> builder) {
    if (Files.isDirectory(target)) {
      return target;
    }
    Path parent = target.toAbsolutePath().getParent();
    Path temp;
    try {
      Files.createDirectories(parent);
      temp = Files.createTempDirectory(parent, "." + target.getFileName() + ".tmp-");
    } catch (IOException e) {
      throw new BootstrapException("cannot create a directory in " + parent + ": " + e.getMessage()
          + "; set " + "SLUICE_CACHE_DIR to a writable directory", e);
    }
    try {
      builder.accept(temp);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
      // Another process published the same tree first; theirs is as good as ours.
    } catch (AtomicMoveNotSupportedException e) {
      throw new BootstrapException("cannot rename " + temp + " to " + target + " atomically: " + e.getMessage(), e);
    } catch (IOException e) {
      if (!Files.isDirectory(target)) {
        throw new BootstrapException("cannot rename " + temp + " to " + target + ": " + e.getMessage(), e);
      }
    } finally {
      deleteRecursively(temp);
    }
    return target;
  }

  /** Copies a tree, keeping permissions and symbolic links as they are. */
  public static void copy(Path source, Path target) {
    try {
      Files.walkFileTree(source, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
          Files.copy(dir, target.resolve(source.relativize(dir).toString()), StandardCopyOption.COPY_ATTRIBUTES);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.copy(file, target.resolve(source.relativize(file).toString()),
              StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new BootstrapException("cannot copy " + source + " to " + target + ": " + e.getMessage(), e);
    }
  }

  /** Deletes a tree if it exists; does not follow symbolic links out of it. */
  public static void deleteRecursively(Path root) {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
          // A socket or file removed by a server shutting down meanwhile: nothing left to delete.
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
          Files.deleteIfExists(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new BootstrapException("cannot delete " + root + ": " + e.getMessage(), e);
    }
  }
}
