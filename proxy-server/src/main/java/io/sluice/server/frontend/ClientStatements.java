package io.sluice.server.frontend;

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

  void clear() {
    byId.clear();
  }

  boolean anyCursorOpen() {
    for (ClientStatement st : byId.values()) {
      if (st.hasOpenCursor()) {
        return true;
      }
    }
    return false;
  }
}
