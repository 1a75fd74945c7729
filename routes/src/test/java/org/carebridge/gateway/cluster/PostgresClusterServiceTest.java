package org.carebridge.gateway.cluster;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.impl.DefaultCamelContext;
import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.datasource.DelegatingDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two cluster services on one database, as two nodes would have: exactly one leads a namespace; the other takes over
 * when the leader gives up its lease, when the leader dies without giving it up (the lease runs out), and when the
 * leader loses its database (it steps down by itself).
 */
class PostgresClusterServiceTest extends GatewayTest {

    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final Duration RENEW = Duration.ofMillis(300);

    @Autowired
    DataSource dataSource;

    @Autowired
    CamelContext camel;

    private final String namespace = "test-" + UUID.randomUUID();
    private final List<PostgresClusterService> started = new ArrayList<>();

    @AfterEach
    void stopServices() throws Exception {
        for (PostgresClusterService service : started) {
            service.stop();
        }
    }

    @Test
    void exactlyOneOfTwoNodesLeadsAndTheOtherKnowsWho() throws Exception {
        CamelClusterView a = view(node("a", dataSource));
        CamelClusterView b = view(node("b", dataSource));

        await().atMost(Duration.ofSeconds(10)).until(() -> a.getLeader().isPresent() && b.getLeader().isPresent());
        assertThat(a.getLocalMember().isLeader() ^ b.getLocalMember().isLeader()).as("exactly one leads").isTrue();
        CamelClusterView leader = a.getLocalMember().isLeader() ? a : b;
        CamelClusterView follower = leader == a ? b : a;
        assertThat(follower.getLeader().orElseThrow().getId()).isEqualTo(leader.getLocalMember().getId());
        // renewals keep the same leader for several lease times
        long renewedUntil = System.nanoTime() + LEASE.multipliedBy(3).toNanos();
        await().atMost(Duration.ofSeconds(15)).pollInterval(RENEW).until(() -> {
            assertThat(leader.getLocalMember().isLeader()).isTrue();
            assertThat(follower.getLocalMember().isLeader()).isFalse();
            return System.nanoTime() > renewedUntil;
        });
    }

    @Test
    void whenTheLeaderStopsTheOtherNodeTakesOverWithinTheLease() throws Exception {
        PostgresClusterService first = node("first", dataSource);
        CamelClusterView a = view(first);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.getLocalMember().isLeader());
        CamelClusterView b = view(node("second", dataSource));
        await().during(RENEW.multipliedBy(3)).atMost(Duration.ofSeconds(5)).until(() -> !b.getLocalMember().isLeader());

        long stoppedAt = System.nanoTime();
        first.stop();
        await().atMost(LEASE.plus(RENEW).plusSeconds(2)).until(() -> b.getLocalMember().isLeader());
        // given up, not run out: the second node need not wait for the lease
        assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).isLessThan(LEASE);
        assertThat(holder()).isEqualTo("second");
    }

    @Test
    void aDeadLeadersLeaseRunsOutAndAnotherNodeTakesOver() throws Exception {
        // a node killed while leading leaves its unexpired lease behind
        jdbc.update("insert into cluster_lease (namespace, holder, expires_at) values (?, 'killed-node', now() + interval '2 seconds')",
                namespace);
        CamelClusterView b = view(node("survivor", dataSource));
        await().atMost(Duration.ofSeconds(5)).until(() -> b.getLeader().isPresent());
        assertThat(b.getLeader().orElseThrow().getId()).isEqualTo("killed-node");
        assertThat(b.getLocalMember().isLeader()).isFalse();

        await().atMost(LEASE.plus(RENEW).plusSeconds(3)).until(() -> b.getLocalMember().isLeader());
        assertThat(holder()).isEqualTo("survivor");
    }

    @Test
    void aLeaderThatCannotReachTheDatabaseStepsDownAndTheOtherTakesOver() throws Exception {
        AtomicBoolean cut = new AtomicBoolean();
        DataSource cuttable = new DelegatingDataSource(dataSource) {
            @Override
            public Connection getConnection() throws SQLException {
                if (cut.get()) {
                    throw new SQLTransientConnectionException("connection refused");
                }
                return super.getConnection();
            }
        };
        CamelClusterView a = view(node("isolated", cuttable));
        await().atMost(Duration.ofSeconds(10)).until(() -> a.getLocalMember().isLeader());
        CamelClusterView b = view(node("connected", dataSource));

        cut.set(true);
        await().atMost(LEASE.plusSeconds(2)).until(() -> !a.getLocalMember().isLeader());
        await().atMost(LEASE.plus(RENEW).plusSeconds(3)).until(() -> b.getLocalMember().isLeader());
        assertThat(a.getLocalMember().isLeader()).as("never two leaders").isFalse();
    }

    @Test
    void aJobThatStartsListeningAfterTheLeadWasTakenIsStillToldItLeads() throws Exception {
        CamelClusterView view = view(node("early", dataSource));
        await().atMost(Duration.ofSeconds(10)).until(() -> view.getLocalMember().isLeader());

        AtomicBoolean toldItLeads = new AtomicBoolean();
        view.addEventListener((CamelClusterEventListener.Leadership) (v, leader) ->
                toldItLeads.set(leader != null && leader.isLocal()));
        await().atMost(RENEW.multipliedBy(5)).untilTrue(toldItLeads);
    }

    @Test
    void aNodeTakesNoLeadUntilCamelHasStarted() throws Exception {
        DefaultCamelContext starting = new DefaultCamelContext();
        PostgresClusterService service = new PostgresClusterService(dataSource, "starting", LEASE, RENEW);
        service.setCamelContext(starting);
        started.add(service);
        service.start();
        CamelClusterView view = view(service);
        await().during(RENEW.multipliedBy(4)).atMost(Duration.ofSeconds(5)).until(() -> !view.getLocalMember().isLeader());
        assertThat(jdbc.queryForList("select holder from cluster_lease where namespace = ?", String.class, namespace)).isEmpty();

        starting.start();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> view.getLocalMember().isLeader());
        } finally {
            starting.stop();
        }
    }

    @Test
    void theGatewaysSingletonJobsRunAsMasterRoutesUnderOneLease() {
        CamelClusterService service = camel.hasService(CamelClusterService.class);
        assertThat(service).as("the cluster service is registered with Camel").isInstanceOf(PostgresClusterService.class);
        List<String> singletons = camel.getRoutes().stream().map(Route::getRouteId).filter(id -> id.startsWith("singleton-")).toList();
        assertThat(singletons).contains("singleton-ledger-chain", "singleton-ledger-checkpoint", "singleton-retention-erasure",
                "singleton-kek-rewrap", "singleton-legacy-sealing", "singleton-monthly-report");
        for (String id : singletons) {
            assertThat(camel.getRoute(id).getEndpoint().getEndpointUri()).as(id).startsWith("master:carebridge-singletons:");
        }
        // this node leads, so the ledger writer runs: the lease row names it
        await().atMost(Duration.ofSeconds(10)).until(() -> service.isLeader("carebridge-singletons"));
        assertThat(jdbc.queryForObject("select holder from cluster_lease where namespace = 'carebridge-singletons'", String.class))
                .isEqualTo(((PostgresClusterService) service).nodeId());
    }

    private PostgresClusterService node(String id, DataSource source) throws Exception {
        PostgresClusterService service = new PostgresClusterService(source, id, LEASE, RENEW);
        started.add(service);
        service.start();
        return service;
    }

    private CamelClusterView view(PostgresClusterService service) throws Exception {
        CamelClusterView view = service.getView(namespace);
        view.start();
        return view;
    }

    private String holder() {
        return jdbc.queryForObject("select holder from cluster_lease where namespace = ?", String.class, namespace);
    }
}
