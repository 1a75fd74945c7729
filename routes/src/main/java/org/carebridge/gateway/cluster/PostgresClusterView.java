package org.carebridge.gateway.cluster;

import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.support.cluster.AbstractCamelClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** One namespace's lease: taken when free or expired, renewed while held, released on stop. */
public class PostgresClusterView extends AbstractCamelClusterView {

    private static final Logger log = LoggerFactory.getLogger(PostgresClusterView.class);

    private final JdbcTemplate jdbc;
    private final String nodeId;
    private final Duration lease;
    private final Duration renewInterval;
    private final Member local;
    private ScheduledExecutorService timer;
    private volatile boolean leader;
    private volatile String leaderId;
    /** System.nanoTime() by which this node must have renewed, or stop leading. */
    private volatile long mustRenewBy;

    PostgresClusterView(PostgresClusterService service, String namespace, DataSource dataSource, String nodeId,
                        Duration lease, Duration renewInterval) {
        super(service, namespace);
        this.jdbc = new JdbcTemplate(dataSource);
        this.jdbc.setQueryTimeout((int) Math.max(1, renewInterval.toSeconds()));
        this.nodeId = nodeId;
        this.lease = lease;
        this.renewInterval = renewInterval;
        this.local = new Member(nodeId, true);
    }

    @Override
    public Optional<CamelClusterMember> getLeader() {
        String id = leaderId;
        return id == null ? Optional.empty() : Optional.of(id.equals(nodeId) ? local : new Member(id, false));
    }

    @Override
    public CamelClusterMember getLocalMember() {
        return local;
    }

    @Override
    public List<CamelClusterMember> getMembers() {
        List<CamelClusterMember> members = new ArrayList<>(List.of(local));
        getLeader().filter(m -> !m.isLocal()).ifPresent(members::add);
        return members;
    }

    @Override
    protected void doStart() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "cluster-lease-" + getNamespace());
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::tick, 0, renewInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() throws InterruptedException {
        timer.shutdownNow();
        timer.awaitTermination(renewInterval.toMillis() * 2, TimeUnit.MILLISECONDS);
        boolean wasLeader = leader;
        setLeader(false, null);
        if (wasLeader) {
            try {
                jdbc.update("delete from cluster_lease where namespace = ? and holder = ?", getNamespace(), nodeId);
                log.info("Node {} gave up the lead of '{}'", nodeId, getNamespace());
            } catch (RuntimeException e) {
                log.warn("Node {} could not give up the lead of '{}'; it lapses by itself: {}", nodeId, getNamespace(),
                        e.getClass().getSimpleName());
            }
        }
    }

    /** Takes or renews the lease; on any failure, keeps leading only while the last renewal is fresh enough. */
    void tick() {
        CamelContext camel = getClusterService().getCamelContext();
        if (camel != null && !camel.isStarted()) {
            // A master route's timer started while Camel itself is still starting can miss its start-up callback and
            // never fire: lead only once Camel is up.
            return;
        }
        long started = System.nanoTime();
        try {
            List<String> taken = jdbc.queryForList("""
                    insert into cluster_lease (namespace, holder, expires_at)
                    values (?, ?, now() + make_interval(secs => ?))
                    on conflict (namespace) do update set holder = excluded.holder, expires_at = excluded.expires_at
                    where cluster_lease.holder = excluded.holder or cluster_lease.expires_at <= now()
                    returning holder""", String.class, getNamespace(), nodeId, lease.toMillis() / 1000.0);
            if (!taken.isEmpty()) {
                mustRenewBy = started + lease.minus(renewInterval).toNanos();
                setLeader(true, nodeId);
                return;
            }
            List<String> holder = jdbc.queryForList(
                    "select holder from cluster_lease where namespace = ? and expires_at > now()", String.class, getNamespace());
            setLeader(false, holder.isEmpty() ? null : holder.get(0));
        } catch (RuntimeException e) {
            if (leader && System.nanoTime() - mustRenewBy >= 0) {
                log.warn("Node {} could not renew its lead of '{}' in time and steps down: {}", nodeId, getNamespace(),
                        e.getClass().getSimpleName());
                setLeader(false, null);
            } else if (!leader) {
                log.debug("Lease check for '{}' failed: {}", getNamespace(), e.getClass().getSimpleName());
            }
        }
    }

    private void setLeader(boolean nowLeader, String id) {
        boolean changed = nowLeader != leader || (id == null ? leaderId != null : !id.equals(leaderId));
        leader = nowLeader;
        leaderId = id;
        if (changed && nowLeader) {
            log.info("Node {} leads '{}'", nodeId, getNamespace());
        }
        // Told on every tick, not only on a change: a master route that began listening after the lead was taken
        // starts its job, and one whose consumer was started again after the lead was lost stops it.
        fireLeadershipChangedEvent(getLeader());
    }

    private final class Member implements CamelClusterMember {
        private final String id;
        private final boolean isLocal;

        Member(String id, boolean isLocal) {
            this.id = id;
            this.isLocal = isLocal;
        }

        @Override
        public boolean isLeader() {
            return isLocal ? leader : id.equals(leaderId);
        }

        @Override
        public boolean isLocal() {
            return isLocal;
        }

        @Override
        public String getId() {
            return id;
        }
    }
}
