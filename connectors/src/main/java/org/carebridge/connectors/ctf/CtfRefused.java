package org.carebridge.connectors.ctf;

/**
 * A whole Common Transfer File refused: nothing in it is passed on. The message says what is wrong with the file (not
 * a CTF, truncated, a DOCTYPE) and never holds a value from it.
 */
public class CtfRefused extends RuntimeException {

    public CtfRefused(String message) {
        super(message, null, false, false);
    }
}
