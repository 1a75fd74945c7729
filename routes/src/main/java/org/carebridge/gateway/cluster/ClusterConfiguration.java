package org.carebridge.gateway.cluster;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.UUID;

/** The cluster service Camel's {@code master:} endpoints elect their leader with. */
@Configuration(proxyBeanMethods = false)
public class ClusterConfiguration {

    @Bean
    PostgresClusterService postgresClusterService(DataSource dataSource,
                                                  @Value("${carebridge.cluster.node-id:}") String nodeId,
                                                  @Value("${carebridge.cluster.lease:15s}") Duration lease,
                                                  @Value("${carebridge.cluster.renew-interval:3s}") Duration renewInterval) {
        return new PostgresClusterService(dataSource, nodeId.isBlank() ? defaultNodeId() : nodeId, lease, renewInterval);
    }

    /** Host, process and a random part: a restarted process is a new member, and so is a second node on one host. */
    private static String defaultNodeId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
