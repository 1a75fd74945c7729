package org.carebridge.gateway.mailbox;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Clock;

/** The mailbox expiry job: one small method, so it can later run as a cluster singleton. */
@Component
public class MailboxExpiry {

    private static final Logger log = LoggerFactory.getLogger(MailboxExpiry.class);

    private final Mailbox mailbox;
    private final MailboxMetrics metrics;
    private final Clock clock = Clock.systemUTC();

    public MailboxExpiry(Mailbox mailbox, MailboxMetrics metrics) {
        this.mailbox = mailbox;
        this.metrics = metrics;
    }

    public void expireDue() {
        try {
            Mailbox.Expiry expiry = mailbox.expire(clock.instant());
            if (expiry.nonDelivered() + expiry.unacknowledged() > 0) {
                log.info("Mailbox expiry: {} message(s) never downloaded (non-delivery), {} downloaded but not acknowledged",
                        expiry.nonDelivered(), expiry.unacknowledged());
            }
        } catch (RuntimeException e) {
            log.warn("Mailbox expiry failed ({}); the next run picks up where it left off", e.getClass().getSimpleName());
        } finally {
            metrics.refresh();
        }
    }
}
