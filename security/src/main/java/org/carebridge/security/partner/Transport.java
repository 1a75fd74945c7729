package org.carebridge.security.partner;

import java.util.Arrays;
import java.util.Optional;

/** How a partner's copies are delivered. */
public enum Transport {
    /** HTTPS POST of the copy to the endpoint URL, mutual TLS. */
    HTTPS("https"),
    /** FHIR messaging: HTTPS POST to {@code [base]/$process-message}, mutual TLS. */
    FHIR_REST("fhir-rest"),
    /** A file in the partner's SFTP inbox folder, written under a temporary name and renamed when complete. */
    SFTP("sftp"),
    /** Secure email: an S/MIME message signed by the gateway and encrypted to the partner's certificate, over SMTP. */
    SMTP("smtp"),
    /** Deposited in the partner's mailbox on the gateway; the partner lists, downloads and acknowledges over mutual TLS. */
    MAILBOX("mailbox");

    private final String code;

    Transport(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static Optional<Transport> fromCode(String code) {
        return Arrays.stream(values()).filter(t -> t.code.equals(code)).findFirst();
    }

    public static String codes() {
        return Arrays.stream(values()).map(Transport::code).toList().toString();
    }
}
