package org.carebridge.gateway.seal;

/** A copy that must not be sent as things stand (no way to protect it); retrying will not help, so it is dead-lettered. */
public class UndeliverableCopy extends Exception {

    public UndeliverableCopy(String message) {
        super(message);
    }
}
