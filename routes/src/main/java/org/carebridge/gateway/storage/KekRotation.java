package org.carebridge.gateway.storage;

import org.carebridge.security.storage.KeyEncryptionKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * After a new KEK is made current, moves data keys still wrapped under older KEKs onto it, a batch at a time, so the
 * old KEK can be taken out of the store once {@link PayloadVault#underOlderKeks()} reaches zero.
 */
@Component
public class KekRotation {

    private static final Logger log = LoggerFactory.getLogger(KekRotation.class);

    private final PayloadVault vault;
    private final TransactionTemplate transaction;
    private final KeyEncryptionKeys keks;
    private final int batch;

    public KekRotation(PayloadVault vault, TransactionTemplate transaction, KeyEncryptionKeys keks, StorageProperties storage) {
        this.vault = vault;
        this.transaction = transaction;
        this.keks = keks;
        this.batch = Math.max(1, storage.eraseBatch());
    }

    public void rewrapOlder() {
        if (keks.ids().size() < 2) {
            return;
        }
        int total = 0;
        Integer done;
        do {
            done = transaction.execute(status -> vault.rewrapOlder(batch));
            total += done == null ? 0 : done;
        } while (done != null && done > 0);
        if (total > 0) {
            log.info("Re-wrapped {} data keys under the current key-encryption key '{}'", total, keks.currentId());
        }
    }
}
