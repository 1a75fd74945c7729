package org.carebridge.connectors.sftp;

import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.carebridge.connectors.inbound.InboundFileNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches only files with plain names: a listed name that could climb out of a folder ({@code ../}, a separator) is
 * never fetched, moved or answered, and a name starting with a dot (a partner's part-written file) waits.
 */
public class PlainFileNames implements GenericFileFilter<Object> {

    private static final Logger log = LoggerFactory.getLogger(PlainFileNames.class);

    @Override
    public boolean accept(GenericFile<Object> file) {
        if (file.isDirectory()) {
            return false;
        }
        String name = file.getFileNameOnly();
        String problem = InboundFileNames.problem(name);
        if (problem != null && !(name != null && name.startsWith(".") && !name.contains("..") && !name.contains("/"))) {
            log.warn("A file in an inbound SFTP folder was left alone: {}", problem);
        }
        return problem == null;
    }
}
