package io.sluice.server.failover;

import io.sluice.core.cluster.ClusterView;
import io.sluice.server.MasterGate;
import io.sluice.server.ProxyRuntime;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one promotion at a time (admin SWITCHOVER/FAILOVER or the automatic failover), publishes
 * the new view, records the old master for fencing, and has the topology written to the
 * config file so a later reload does not bring the old master back.
 */
public final class FailoverCoordinator {
  private static final Logger log = LoggerFactory.getLogger(FailoverCoordinator.class);

  private final ProxyRuntime runtime;
  private final Consumer<ClusterView> persist;
  /** Former masters to make read-only as soon as they answer again. */
  private final Set<String> fenceOnReturn = ConcurrentHashMap.newKeySet();

  public FailoverCoordinator(ProxyRuntime runtime, Consumer<ClusterView> persist) {
    this.runtime = runtime;
    this.persist = persist;
  }

  private Promotion promotion() {
    return new Promotion(runtime.config().monitor(), runtime.config().failover());
  }

  /**
   * Master-bound statements are held (see {@link io.sluice.server.MasterGate}) from before the
   * fence until the new master is published, then go to it.
   */
  public synchronized String switchover(String candidate) {
    runtime.masterGate().close(MasterGate.Hold.PROMOTION);
    try {
      String[] warning = {""};
      String summary = promotion().switchover(runtime.view(), candidate, next -> {
        warning[0] = publish(next);
        runtime.masterGate().open(MasterGate.Hold.PROMOTION);
      }).summary();
      return summary + warning[0];
    } finally {
      runtime.masterGate().open(MasterGate.Hold.PROMOTION); // abandoned: the old master is writable again
    }
  }

  /** Promotes the most advanced replica; refused while the master still answers. */
  public synchronized String failover() {
    ClusterView view = runtime.view();
    if (!view.isDown(view.master().name())) {
      throw new IllegalStateException("the master " + view.master().name()
          + " is not down; use SWITCHOVER n for a planned change");
    }
    String oldMaster = view.master().name();
    // Writes that arrive while the replicas apply their relay logs wait for the new master
    // rather than fail against the dead one.
    runtime.masterGate().close(MasterGate.Hold.PROMOTION);
    try {
      Promotion.Result r = promotion().failover(view);
      fenceOnReturn.add(oldMaster);
      return r.summary() + publish(r.view());
    } finally {
      runtime.masterGate().open(MasterGate.Hold.PROMOTION);
    }
  }

  public boolean mustFence(String backend) {
    return fenceOnReturn.contains(backend);
  }

  public void fenced(String backend) {
    fenceOnReturn.remove(backend);
  }

  /** Publishes the promotion's view; returns a warning for the summary if the file could not be written. */
  private String publish(ClusterView next) {
    runtime.promotedMaster(next.master().name());
    runtime.updateView(current -> next);
    try {
      persist.accept(next);
      return "";
    } catch (RuntimeException e) {
      log.error("the new topology could not be written to the config file; a restart would bring back the old"
          + " master until it is fixed: {}", e.getMessage());
      return "; WARNING: the config file could not be written (" + e.getMessage() + "): a restart would bring"
          + " back the old master; fix the file, then run SAVE CONFIG";
    }
  }
}
