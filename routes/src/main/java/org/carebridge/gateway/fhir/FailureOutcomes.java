package org.carebridge.gateway.fhir;

import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.util.DisconnectedClientHelper;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.UUID;

/**
 * What the partner port answers when a request fails on something other than the request itself. A transient fault
 * (the database or the broker unavailable) is 503 with Retry-After: sending again later will work. Anything else is a
 * bug: 500 with an incident id, and the stack trace logged under that id. Exception messages are left out of the log
 * because parsers and drivers quote the values they choke on.
 */
@Component
public class FailureOutcomes {

    public static final int RETRY_AFTER_SECONDS = 30;

    private static final Logger log = LoggerFactory.getLogger(FailureOutcomes.class);

    private final OperationOutcomes outcomes;

    public FailureOutcomes(OperationOutcomes outcomes) {
        this.outcomes = outcomes;
    }

    /**
     * @param what what failed, for the log ("Intake", "A consent request")
     * @param consequence what the caller is told happened, e.g. "the record was not accepted"
     * @return the response, or null when the client has gone and nobody is listening
     */
    public ResponseEntity<String> failed(Exception e, String what, String consequence) {
        if (DisconnectedClientHelper.isClientDisconnectedException(e)) {
            log.info("{} stopped: the client closed the connection; {}", what, consequence);
            return null;
        }
        if (isTransient(e)) {
            log.warn("{} failed on a transient fault ({}); {}", what, rootCause(e).getClass().getSimpleName(), consequence);
            return unavailable("The gateway cannot complete the request just now; " + consequence + ". Send it again later.");
        }
        String incident = UUID.randomUUID().toString();
        log.error("Incident {}: {} failed; {}\n{}", incident, what, consequence, stackTrace(e));
        HttpHeaders headers = new HttpHeaders();
        headers.add("X-CareBridge-Incident", incident);
        return outcomes.response(HttpStatus.INTERNAL_SERVER_ERROR, IssueSeverity.ERROR, IssueType.EXCEPTION,
                "The gateway failed on an internal error, incident " + incident + "; " + consequence
                        + ". Sending it again will not help until the operators have fixed it: quote the incident id.", headers);
    }

    /** 503 with Retry-After, for a fault that time will fix. */
    public ResponseEntity<String> unavailable(String diagnostics) {
        HttpHeaders headers = new HttpHeaders();
        headers.add(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_AFTER_SECONDS));
        return outcomes.response(HttpStatus.SERVICE_UNAVAILABLE, IssueSeverity.ERROR, IssueType.TRANSIENT, diagnostics, headers);
    }

    /** The database or the broker is unavailable or asked for a retry, anywhere in the cause chain. */
    public static boolean isTransient(Throwable e) {
        for (Throwable t : chain(e)) {
            if (t instanceof TransientDataAccessException || t instanceof RecoverableDataAccessException
                    || t instanceof DataAccessResourceFailureException || t instanceof CannotCreateTransactionException
                    || t instanceof SQLTransientException || t instanceof SQLRecoverableException
                    || t instanceof jakarta.jms.JMSException || t instanceof org.springframework.jms.JmsException) {
                return true;
            }
            // connection exception, insufficient resources, operator intervention, serialization failure, deadlock
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("53") || sql.getSQLState().startsWith("57P")
                    || sql.getSQLState().equals("40001") || sql.getSQLState().equals("40P01"))) {
                return true;
            }
        }
        return false;
    }

    /** Class names and frames of the exception, its causes and suppressed exceptions; never their messages. */
    static String stackTrace(Throwable e) {
        StringBuilder out = new StringBuilder();
        append(out, e, "", Collections.newSetFromMap(new IdentityHashMap<>()), "");
        return out.toString();
    }

    private static void append(StringBuilder out, Throwable t, String caption, Set<Throwable> seen, String indent) {
        if (!seen.add(t)) {
            out.append(indent).append(caption).append("[circular ").append(t.getClass().getName()).append("]\n");
            return;
        }
        out.append(indent).append(caption).append(t.getClass().getName()).append('\n');
        for (StackTraceElement frame : t.getStackTrace()) {
            out.append(indent).append("\tat ").append(frame).append('\n');
        }
        for (Throwable suppressed : t.getSuppressed()) {
            append(out, suppressed, "Suppressed: ", seen, indent + "\t");
        }
        if (t.getCause() != null) {
            append(out, t.getCause(), "Caused by: ", seen, indent);
        }
    }

    private static Iterable<Throwable> chain(Throwable e) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        java.util.List<Throwable> all = new java.util.ArrayList<>();
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            all.add(t);
            // a rollback that failed too (the connection was gone) hides the fault behind it
            if (t instanceof TransactionSystemException rollback && rollback.getApplicationException() != null) {
                for (Throwable a = rollback.getApplicationException(); a != null && seen.add(a); a = a.getCause()) {
                    all.add(a);
                }
            }
        }
        return all;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable root = e;
        for (Throwable t : chain(e)) {
            root = t;
        }
        return root;
    }
}
