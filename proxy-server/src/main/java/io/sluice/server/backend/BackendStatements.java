package io.sluice.server.backend;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server-side prepared statements one backend connection holds, keyed by schema and SQL
 * text, least recently used first. Any session that borrows the connection can execute them,
 * so a statement is prepared once per connection, not once per client statement.
 *
 * <p>The cache is bounded: when it is full the least recently used statement is evicted and
 * the caller closes it on the server. ProxySQL never closes backend statements and exhausts
 * max_prepared_stmt_count; here a backend holds at most {@code capacity} per connection.
 */
public final class BackendStatements {
  private final int capacity;
  private final LinkedHashMap<String, Long> byKey = new LinkedHashMap<>(16, 0.75f, true);

  BackendStatements(int capacity) {
    this.capacity = capacity;
  }

  /**
   * The cache key of {@code sql} prepared under {@code schema} on a connection in state
   * {@code parsedUnder}. A statement is shared only by executions that would parse it alike:
   * besides the schema and the text, the key holds what changes the parse, the charset (a
   * literal's bytes) and sql_mode (ANSI_QUOTES makes "x" an identifier, NO_BACKSLASH_ESCAPES
   * changes where a string ends) with the charset variables.
   */
  public static String key(String schema, io.sluice.core.session.BackendSessionSnapshot parsedUnder, String sql) {
    StringBuilder key = new StringBuilder(sql.length() + 64).append(schema == null ? "" : schema).append('\0')
        .append(parsedUnder.charset().charset()).append('/').append(parsedUnder.charset().collation());
    for (Map.Entry<String, String> v : parsedUnder.variables().entrySet()) {
      String name = v.getKey();
      if (name.equals("sql_mode") || name.startsWith("character_set_") || name.startsWith("collation_")) {
        key.append('\0').append(name).append('=').append(v.getValue());
      }
    }
    return key.append('\0').append(sql).toString();
  }

  /** The backend statement id for {@code key}, or null; marks it recently used. */
  public Long get(String key) {
    return byKey.get(key);
  }

  /**
   * Records a statement prepared on this connection and returns the ids the caller must now
   * close on the server: a previous statement with the same key, and evicted ones.
   */
  public List<Long> put(String key, long id) {
    List<Long> toClose = new ArrayList<>();
    Long previous = byKey.put(key, id);
    if (previous != null && previous != id) {
      toClose.add(previous);
    }
    Iterator<Map.Entry<String, Long>> it = byKey.entrySet().iterator();
    while (byKey.size() > capacity && it.hasNext()) {
      toClose.add(it.next().getValue());
      it.remove();
    }
    return toClose;
  }

  /** Whether statement {@code id} is still cached (a displaced one is not). */
  public boolean contains(long id) {
    return byKey.containsValue(id);
  }

  /** Forgets statement {@code id} (the caller closes it on the server). */
  public void remove(long id) {
    byKey.values().remove(id);
  }

  public int size() {
    return byKey.size();
  }
}
