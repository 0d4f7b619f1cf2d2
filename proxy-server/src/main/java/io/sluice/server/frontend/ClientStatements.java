package io.sluice.server.frontend;

import io.sluice.server.backend.BackendConnection;
import java.util.HashMap;
import java.util.Map;

/** The binary prepared statements of one client session, by Sluice's statement id. */
final class ClientStatements {
  /**
   * The most statements one session may hold: MySQL's default max_prepared_stmt_count, which a
   * server applies to all its sessions together. A client that never closes its statements
   * gets the server's 1461 from the proxy too, instead of growing it without bound.
   */
  static final int MAX_PER_SESSION = 16_382;
  private final Map<Long, ClientStatement> byId = new HashMap<>();
  private long lastId;

  long nextId() {
    return ++lastId;
  }

  void add(ClientStatement st) {
    byId.put(st.id, st);
  }

  boolean isFull() {
    return byId.size() >= MAX_PER_SESSION;
  }

  ClientStatement get(long id) {
    return byId.get(id);
  }

  ClientStatement remove(long id) {
    return byId.remove(id);
  }

  /** Forgets every statement; the cursors they had open are closed on their connections. */
  void clear() {
    for (ClientStatement st : byId.values()) {
      if (st.cursor != null) {
        st.cursor.connection().closeCursor(st.cursor.backendId());
        st.cursor = null;
      }
    }
    byId.clear();
  }

  /** The cursors on {@code c} are gone with it (it broke or was closed): forget them. */
  void forgetCursorsOn(BackendConnection c) {
    for (ClientStatement st : byId.values()) {
      if (st.cursor != null && st.cursor.connection() == c) {
        st.cursor = null;
      }
    }
  }
}
