package io.sluice.core.cluster;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * nginx's smooth weighted round robin: every pick adds each candidate's weight to its
 * current weight, takes the largest (the first one on ties), and subtracts the total
 * weight from the winner. Over any run of (sum of weights) picks each backend is chosen
 * exactly weight times, spread out instead of in bursts (weights 1:3 give b a b b).
 *
 * <p>Current weights are keyed by backend name so that they survive the replacement of
 * the cluster view; names that leave the view are forgotten when a new view is first seen.
 *
 * <p>Not thread-safe: keep one instance per event loop.
 */
public final class SmoothWeightedRoundRobin {

    private final Map<String, long[]> currentWeights = new HashMap<>();
    private ClusterView lastView;

    /** Picks among the view's usable slaves; empty when there is none. */
    public Optional<Backend> pick(ClusterView view) {
        if (view != lastView) {
            forgetBackendsNotIn(view);
            lastView = view;
        }
        return pick(view.usableSlaves());
    }

    /** Picks among candidates; weight 0 is never chosen; empty when none has weight. */
    public Optional<Backend> pick(List<Backend> candidates) {
        Backend best = null;
        long[] bestWeight = null;
        long total = 0;
        for (Backend candidate : candidates) {
            if (candidate.weight() <= 0) {
                continue;
            }
            long[] current = currentWeights.computeIfAbsent(candidate.name(), name -> new long[1]);
            current[0] += candidate.weight();
            total += candidate.weight();
            if (best == null || current[0] > bestWeight[0]) {
                best = candidate;
                bestWeight = current;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        bestWeight[0] -= total;
        return Optional.of(best);
    }

    private void forgetBackendsNotIn(ClusterView view) {
        Set<String> names = new HashSet<>();
        view.replicas().forEach(status -> names.add(status.backend().name()));
        currentWeights.keySet().retainAll(names);
    }
}
