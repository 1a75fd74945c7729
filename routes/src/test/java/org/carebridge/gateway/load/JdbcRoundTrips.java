package org.carebridge.gateway.load;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.jdbc.datasource.DelegatingDataSource;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the gateway's database round trips: every statement executed, every batch sent (one round trip however many
 * rows), and every commit and rollback. Wraps the data source for the load harness only. {@link #traced} counts, beside
 * the totals, only what the threads that asked for it send, so a measurement leaves out the gateway's own timers.
 */
public class JdbcRoundTrips implements BeanPostProcessor {

    public static final LongAdder STATEMENTS = new LongAdder();
    public static final LongAdder BATCHES = new LongAdder();
    public static final LongAdder COMMITS = new LongAdder();

    /** Round trips sent by traced threads only: statements, batches, commits. */
    public static final LongAdder TRACED_STATEMENTS = new LongAdder();
    public static final LongAdder TRACED_BATCHES = new LongAdder();
    public static final LongAdder TRACED_COMMITS = new LongAdder();

    private static final ThreadLocal<Boolean> TRACING = ThreadLocal.withInitial(() -> false);

    private static final Set<String> EXECUTES = Set.of("execute", "executeQuery", "executeUpdate", "executeLargeUpdate");

    public static long roundTrips() {
        return STATEMENTS.sum() + BATCHES.sum() + COMMITS.sum();
    }

    /** Counts what this thread sends in the {@code TRACED_} counters while {@code on}. */
    public static void traced(boolean on) {
        TRACING.set(on);
    }

    private static void count(LongAdder all, LongAdder traced) {
        all.increment();
        if (TRACING.get()) {
            traced.increment();
        }
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        return bean instanceof DataSource source && !(bean instanceof Counting) ? new Counting(source) : bean;
    }

    static final class Counting extends DelegatingDataSource implements AutoCloseable {

        Counting(DataSource target) {
            super(target);
        }

        @Override
        public Connection getConnection() throws SQLException {
            return connection(super.getConnection());
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return connection(super.getConnection(username, password));
        }

        @Override
        public void close() throws Exception {
            if (getTargetDataSource() instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
    }

    private static Connection connection(Connection target) {
        return (Connection) Proxy.newProxyInstance(JdbcRoundTrips.class.getClassLoader(), new Class<?>[]{Connection.class},
                (proxy, method, args) -> {
                    String name = method.getName();
                    if (name.equals("commit") || (name.equals("rollback") && (args == null || args.length == 0))) {
                        count(COMMITS, TRACED_COMMITS);
                    }
                    Object result = invoke(target, method, args);
                    if (result instanceof CallableStatement s) {
                        return statement(s, CallableStatement.class);
                    }
                    if (result instanceof PreparedStatement s) {
                        return statement(s, PreparedStatement.class);
                    }
                    if (result instanceof Statement s) {
                        return statement(s, Statement.class);
                    }
                    return result;
                });
    }

    private static Object statement(Statement target, Class<?> type) {
        return Proxy.newProxyInstance(JdbcRoundTrips.class.getClassLoader(), new Class<?>[]{type}, (proxy, method, args) -> {
            if (EXECUTES.contains(method.getName())) {
                count(STATEMENTS, TRACED_STATEMENTS);
            } else if (method.getName().startsWith("executeBatch") || method.getName().equals("executeLargeBatch")) {
                count(BATCHES, TRACED_BATCHES);
            }
            return invoke(target, method, args);
        });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
