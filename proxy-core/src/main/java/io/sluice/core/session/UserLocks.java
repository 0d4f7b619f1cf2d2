package io.sluice.core.session;

import java.util.HashMap;
import java.util.Map;

import io.sluice.core.sql.UserLockCall;

/**
 * GET_LOCK calls the session made, counted per lock name because MySQL lets one
 * connection take the same named lock several times and needs as many releases.
 * The proxy cannot see whether GET_LOCK returned 1, so it counts calls: a count that is
 * too high keeps the session pinned a little longer, which is the safe mistake. A lock
 * whose name was not a literal can only be released by RELEASE_ALL_LOCKS or a reset.
 */
final class UserLocks {
    private final Map<String, Integer> held = new HashMap<>();
    private int unnamed;

    void apply(UserLockCall call) {
        if (call.acquire()) {
            if (call.name() == null) {
                unnamed++;
            } else {
                held.merge(call.name(), 1, Integer::sum);
            }
        } else if (call.name() != null) {
            held.computeIfPresent(call.name(), (name, count) -> count > 1 ? count - 1 : null);
        }
    }

    void releaseAll() {
        held.clear();
        unnamed = 0;
    }

    boolean any() {
        return unnamed > 0 || !held.isEmpty();
    }
}
