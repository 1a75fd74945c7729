package org.carebridge.gateway.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

/**
 * PostgreSQL as a server of its own, outside every gateway node: the zonky binaries the embedded default uses, started
 * from the test with the settings the gateway's embedded server has (synchronous commit and fsync on).
 */
public final class StandalonePostgres implements AutoCloseable {

    private final Path dataDirectory;
    private final int port;
    private final Map<String, String> serverConfig;
    private EmbeddedPostgres server;

    public StandalonePostgres(Path dataDirectory) throws IOException {
        this(dataDirectory, Map.of());
    }

    /** With {@code serverConfig} added to (or replacing) the settings the gateway's embedded server has. */
    public StandalonePostgres(Path dataDirectory, Map<String, String> serverConfig) throws IOException {
        this.dataDirectory = dataDirectory;
        this.port = GatewayTest.freePort();
        this.serverConfig = serverConfig;
        start();
    }

    /** Starts the server on its data directory and port (again, after {@link #stop()}). */
    public void start() throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on")
                .setServerConfig("max_connections", "200")
                .setPGStartupWait(Duration.ofSeconds(60));
        serverConfig.forEach(builder::setServerConfig);
        server = builder.start();
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** Stops the server (a fast shutdown: sessions are cut, committed data stays). */
    public void stop() throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    /** The arguments that point a gateway node at this server. */
    public String[] gatewayArguments() {
        return new String[]{"--spring.datasource.url=" + jdbcUrl(), "--spring.datasource.username=postgres",
                "--spring.datasource.password="};
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "postgres", "");
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}
