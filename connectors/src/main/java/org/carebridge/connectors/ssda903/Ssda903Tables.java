package org.carebridge.connectors.ssda903;

import java.io.IOException;
import java.io.Reader;
import java.util.List;

/** A set of SSDA903 CSV tables, by file name (for example the entries of a zip, or the files of a folder). */
public interface Ssda903Tables {

    List<String> names();

    /** A fresh reader of the named table, UTF-8. */
    Reader open(String name) throws IOException;
}
