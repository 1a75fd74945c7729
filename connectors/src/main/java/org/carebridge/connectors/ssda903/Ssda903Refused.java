package org.carebridge.connectors.ssda903;

/**
 * A whole file refused: nothing in it is passed on. The message says what is wrong with the file (a missing column, a
 * truncated table, a DOCTYPE) and never holds a value from it.
 */
public class Ssda903Refused extends RuntimeException {

    public Ssda903Refused(String message) {
        super(message, null, false, false);
    }
}
