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

  public static String key(String schema, String sql) {
    return (schema == null ? "" : schema) + '\0' + sql;
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

  public int size() {
    return byKey.size();
  }
}
