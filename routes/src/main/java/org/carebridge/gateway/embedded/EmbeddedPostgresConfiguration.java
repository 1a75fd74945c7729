package org.carebridge.gateway.embedded;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.carebridge.gateway.CarebridgeProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;
import java.io.Closeable;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/** A PostgreSQL server under the data directory, unless {@code spring.datasource.url} points at an external one. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${spring.datasource.url:}'.isBlank()")
public class EmbeddedPostgresConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);
    /** How long a start waits for a server left by a killed run to stop and let go of the data directory. */
    private static final Duration ORPHAN_STOP_BOUND = Duration.ofSeconds(60);

    /** Stopped by Spring after everything that uses it, not by zonky's own shutdown hook: see {@link EmbeddedServer}. */
    @Bean(destroyMethod = "")
    EmbeddedPostgres embeddedPostgres(EmbeddedServer server) {
        return server.postgres();
    }

    @Bean(destroyMethod = "close")
    EmbeddedServer embeddedPostgresServer(CarebridgeProperties properties,
            @Value("${carebridge.embedded.statement-statistics:false}") boolean statementStatistics) throws IOException {
        if ("root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("PostgreSQL refuses to run as root: start the gateway as an ordinary user, "
                    + "or set spring.datasource.url to an external PostgreSQL");
        }
        Path data = properties.dataDir().resolve("postgres").toAbsolutePath();
        Files.createDirectories(data);
        new OrphanedPostmaster(data, ORPHAN_STOP_BOUND).stop();
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (statementStatistics) {
            builder.setServerConfig("shared_preload_libraries", "pg_stat_statements");
        }
        return new EmbeddedServer(builder
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                // zonky turns synchronous commit off by default; a 202 must mean the record is on disk.
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on")
                .setServerConfig("max_connections", "100")
                .setPGStartupWait(Duration.ofSeconds(60))
                .start());
    }

    /**
     * zonky stops its server from a JVM shutdown hook of its own, which runs beside Spring's: on SIGTERM the database
     * went while Camel was still delivering. Marking the server closed makes that hook do nothing; Spring closes this
     * bean after the web server, Camel, the dispatcher and the connection pool have stopped, and it stops the server.
     * (zonky's {@code close()} returns at once when {@code closed} is already set.) A hard kill runs no hook at all; the
     * next start stops the orphaned server.
     */
    static final class EmbeddedServer implements Closeable {

        private final EmbeddedPostgres postgres;
        private final AtomicBoolean closed;

        EmbeddedServer(EmbeddedPostgres postgres) {
            this.postgres = postgres;
            this.closed = closedFlag(postgres);
            if (closed != null) {
                closed.set(true);
            }
        }

        EmbeddedPostgres postgres() {
            return postgres;
        }

        @Override
        public void close() throws IOException {
            if (closed != null) {
                closed.set(false);
            }
            postgres.close();
        }

        private static AtomicBoolean closedFlag(EmbeddedPostgres postgres) {
            try {
                Field field = EmbeddedPostgres.class.getDeclaredField("closed");
                field.setAccessible(true);
                return (AtomicBoolean) field.get(postgres);
            } catch (ReflectiveOperationException | RuntimeException e) {
                log.warn("Cannot hold back the embedded PostgreSQL's own shutdown hook ({}): on shutdown the database may "
                        + "stop before deliveries in flight have finished; they are delivered after the next start",
                        e.getClass().getSimpleName());
                return null;
            }
        }
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(EmbeddedPostgres postgres) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        config.setUsername("postgres");
        config.setMaximumPoolSize(20);
        config.setPoolName("carebridge");
        return new HikariDataSource(config);
    }
}
