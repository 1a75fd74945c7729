package org.carebridge.security.storage;

/**
 * A sealed payload or wrapped data key that cannot be opened: wrong or destroyed key, tampered or swapped bytes. The
 * message names what failed, never what the payload holds.
 */
public class PayloadUnreadable extends RuntimeException {

    public PayloadUnreadable(String message) {
        super(message);
    }

    public PayloadUnreadable(String message, Throwable cause) {
        super(message, cause);
    }
}
