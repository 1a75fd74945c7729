package org.carebridge.security.storage;

/**
 * A record's data key as stored: encrypted under the key-encryption key {@code kekId}. Without that KEK (or once this is
 * deleted) the record's payloads cannot be opened.
 */
public record WrappedDataKey(String kekId, byte[] wrapped) {
}
