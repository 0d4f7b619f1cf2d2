package io.sluice.server.frontend;

import io.sluice.server.backend.BackendConnection;
import java.util.HashMap;
import java.util.Map;

/** The binary prepared statements of one client session, by Sluice's statement id. */
final class ClientStatements {
  private final Map<Long, ClientStatement> byId = new HashMap<>();
  private long lastId;

  long nextId() {
    return ++lastId;
  }

  void add(ClientStatement st) {
    byId.put(st.id, st);
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
