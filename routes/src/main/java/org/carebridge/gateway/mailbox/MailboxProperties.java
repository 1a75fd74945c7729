package org.carebridge.gateway.mailbox;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * Partner mailboxes on the gateway (README, "Mailbox").
 *
 * @param expireAfter how long a message waits for its acknowledgement before it leaves the mailbox (MESH: five days)
 * @param expiryInterval how often expired messages are looked for
 * @param pageSize messages per inbox page when the partner does not ask for a size
 * @param maxPageSize the most a partner may ask for in one page
 */
@ConfigurationProperties("carebridge.mailbox")
public record MailboxProperties(Duration expireAfter, Duration expiryInterval, Integer pageSize, Integer maxPageSize) {

    public MailboxProperties {
        expireAfter = expireAfter == null ? Duration.ofDays(5) : expireAfter;
        expiryInterval = expiryInterval == null ? Duration.ofMinutes(10) : expiryInterval;
        pageSize = pageSize == null ? 50 : pageSize;
        maxPageSize = maxPageSize == null ? 500 : maxPageSize;
        if (expireAfter.isNegative() || expireAfter.isZero()) {
            throw new IllegalArgumentException("carebridge.mailbox.expire-after must be positive");
        }
        if (pageSize < 1 || maxPageSize < pageSize) {
            throw new IllegalArgumentException("carebridge.mailbox.page-size must be at least 1 and at most max-page-size");
        }
    }
}
