package org.carebridge.gateway.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/** The outcome of a connection test to a partner's endpoint: nothing of any record, only the transport's answer. */
public final class ConnectionCheck {

    /**
     * @param check   what was tried, for example {@code TLS handshake}, {@code SFTP login}, {@code SMTP EHLO}
     * @param outcome what the server answered, or why the test failed
     */
    public record Result(String partner, String transport, String check, boolean passed, String outcome, long millis) {

        Result forPartner(String partnerId) {
            return new Result(partnerId, transport, check, passed, outcome, millis);
        }
    }

    private ConnectionCheck() {
    }

    /** Runs one test, timing it; any failure is a failed result that says why, never a thrown exception. */
    static Result timed(String transport, String check, Callable<String> test) {
        Instant start = Instant.now();
        try {
            String outcome = test.call();
            return new Result(null, transport, check, true, outcome, Duration.between(start, Instant.now()).toMillis());
        } catch (Exception e) {
            Throwable cause = e;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            String why = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
            return new Result(null, transport, check, false, why.length() > 300 ? why.substring(0, 300) : why,
                    Duration.between(start, Instant.now()).toMillis());
        }
    }
}
