package org.carebridge.gateway.fhir;

import java.io.IOException;
import java.time.Duration;

/** A request body that did not arrive in full within the partner port's body read timeout. */
public class BodyReadTimeout extends IOException {

    public BodyReadTimeout(Duration timeout) {
        super("the body did not arrive within " + timeout.toSeconds() + " s");
    }
}
