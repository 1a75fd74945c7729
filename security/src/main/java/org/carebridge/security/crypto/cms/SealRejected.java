package org.carebridge.security.crypto.cms;

/** A CMS body that cannot be accepted. Messages name the failed check, never the content. */
public final class SealRejected extends RuntimeException {

    public enum Reason {
        NOT_CMS("not-cms"),
        NOT_FOR_US("not-encrypted-to-gateway"),
        DECRYPTION_FAILED("decryption-failed"),
        NOT_SIGNED("not-signed"),
        SIGNATURE_INVALID("signature-invalid"),
        WRONG_SIGNER("wrong-signer"),
        SIGNER_UNTRUSTED("signer-untrusted"),
        SIGNER_EXPIRED("signer-expired"),
        SIGNER_REVOKED("signer-revoked");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final Reason reason;

    public SealRejected(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
