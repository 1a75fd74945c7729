package org.carebridge.connectors.inbound;

import java.nio.file.Path;

/** Turns one file a partner dropped into governed records, and says what became of every row. */
public interface InboundFiles {

    /** @param name the file's own name (already checked plain); @param file a local copy of it */
    Acknowledgement receive(String name, Path file);
}
