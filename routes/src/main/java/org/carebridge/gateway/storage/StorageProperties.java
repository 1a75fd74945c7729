package org.carebridge.gateway.storage;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.time.Period;

/**
 * Payloads at rest: where the key-encryption keys are, and how long records are kept.
 *
 * @param kekStore          a PKCS#12 file, or for PKCS#11 the SunPKCS11 configuration file; blank with the dev PKI: a
 *                          DEV-ONLY store generated beside it
 * @param kekStoreType      PKCS12 or PKCS11
 * @param kekStorePassword  the store's password (for PKCS#11 the PIN)
 * @param kekAlias          the KEK that wraps new data keys; may be blank when the store holds one
 * @param defaultRetention  for a record that no agreement let anyone receive
 */
@ConfigurationProperties("carebridge.storage")
public record StorageProperties(String kekStore, String kekStoreType, String kekStorePassword, String kekAlias,
                                Period defaultRetention, Duration eraseInterval, int eraseBatch) {
}
