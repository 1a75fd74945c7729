package org.carebridge.connectors.https;

/** A copy that did not reach its partner. Carries no payload content, only what an operator needs. */
public class DeliveryFailure extends Exception {

    private final int status;

    public DeliveryFailure(String partnerId, int status, String why) {
        super("delivery to partner '" + partnerId + "' failed: " + why);
        this.status = status;
    }

    public DeliveryFailure(String partnerId, Throwable cause) {
        super("delivery to partner '" + partnerId + "' failed: " + cause.getClass().getSimpleName(), cause);
        this.status = 0;
    }

    /** The HTTP status the partner answered, or 0 when there was no answer. */
    public int status() {
        return status;
    }
}
