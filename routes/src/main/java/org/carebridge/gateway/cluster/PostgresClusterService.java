package org.carebridge.gateway.cluster;

import org.apache.camel.support.cluster.AbstractCamelClusterService;

import javax.sql.DataSource;
import java.time.Duration;

/**
 * Camel's cluster SPI on a lease row in PostgreSQL ({@code cluster_lease}): in each namespace the node holding an
 * unexpired lease leads, renews it every {@code renewInterval}, and gives it up on stop. A node that dies without giving
 * it up is replaced once its lease runs out, so failover takes at most the lease time plus one renew interval. A leader
 * that cannot renew steps down before its lease could have run out on the database's clock.
 */
public class PostgresClusterService extends AbstractCamelClusterService<PostgresClusterView> {

    private final DataSource dataSource;
    private final String nodeId;
    private final Duration lease;
    private final Duration renewInterval;

    public PostgresClusterService(DataSource dataSource, String nodeId, Duration lease, Duration renewInterval) {
        super("postgres-lease");
        if (renewInterval.multipliedBy(2).compareTo(lease) >= 0) {
            throw new IllegalArgumentException("carebridge.cluster.renew-interval (" + renewInterval
                    + ") must be under half of carebridge.cluster.lease (" + lease + ")");
        }
        this.dataSource = dataSource;
        this.nodeId = nodeId;
        this.lease = lease;
        this.renewInterval = renewInterval;
    }

    public String nodeId() {
        return nodeId;
    }

    @Override
    protected PostgresClusterView createView(String namespace) {
        return new PostgresClusterView(this, namespace, dataSource, nodeId, lease, renewInterval);
    }
}
