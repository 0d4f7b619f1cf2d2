package io.sluice.bootstrap.config;

/** How hard the server works to keep committed transactions across an operating-system crash. */
public enum Durability {
  /**
   * Flush the redo log and the binary log to disk at every commit. What production wants: a
   * replica never ends up ahead of its source's binary log after a power cut.
   */
  DURABLE,
  /**
   * Write the redo log at commit but fsync about once a second, and leave binary-log fsyncs to
   * the operating system. A killed mysqld still loses nothing (the OS has the data); only an OS
   * crash can. Sandboxes, tests and benchmarks want this: every commit on a laptop disk or a CI
   * runner otherwise waits for two fsyncs, which is slower than the proxy being measured.
   */
  RELAXED
}
