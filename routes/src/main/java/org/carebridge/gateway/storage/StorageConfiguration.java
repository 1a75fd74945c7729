package org.carebridge.gateway.storage;

import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.security.storage.DevKeyEncryptionKeyStore;
import org.carebridge.security.storage.KeyEncryptionKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;
import java.util.Locale;

@Configuration(proxyBeanMethods = false)
public class StorageConfiguration {

    private static final Logger log = LoggerFactory.getLogger(StorageConfiguration.class);

    /**
     * The key-encryption keys: from {@code carebridge.storage.kek-store} (PKCS#12, or PKCS#11 through SunPKCS11); with
     * the dev PKI and no store configured, a DEV-ONLY PKCS#12 store generated on first start beside the dev PKI.
     */
    @Bean
    KeyEncryptionKeys keyEncryptionKeys(StorageProperties storage, CarebridgeProperties properties) {
        String type = storage.kekStoreType() == null || storage.kekStoreType().isBlank() ? "PKCS12"
                : storage.kekStoreType().trim().toUpperCase(Locale.ROOT);
        char[] password = storage.kekStorePassword() == null ? new char[0] : storage.kekStorePassword().toCharArray();
        KeyEncryptionKeys keys;
        if (storage.kekStore() != null && !storage.kekStore().isBlank()) {
            Path store = Path.of(storage.kekStore().trim());
            keys = switch (type) {
                case "PKCS12" -> KeyEncryptionKeys.fromPkcs12(store, password, storage.kekAlias());
                case "PKCS11" -> KeyEncryptionKeys.fromPkcs11(store, password, storage.kekAlias());
                default -> throw new IllegalStateException("carebridge.storage.kek-store-type must be PKCS12 or PKCS11, not " + type);
            };
        } else {
            if (!properties.pki().devGenerate()) {
                throw new IllegalStateException("carebridge.storage.kek-store (CAREBRIDGE_STORAGE_KEK_STORE) must be set when the dev PKI is off");
            }
            DevKeyEncryptionKeyStore dev = new DevKeyEncryptionKeyStore(properties.pki().dir());
            dev.ensure();
            keys = KeyEncryptionKeys.fromPkcs12(dev.store(), DevKeyEncryptionKeyStore.readPassword(dev.passwordFile()), storage.kekAlias());
            log.warn("Payloads are sealed under the DEV-ONLY key-encryption key in {}; never use it in production", dev.store());
        }
        log.info("Key-encryption keys loaded ({} in the store); new data keys are wrapped under '{}'", keys.ids().size(), keys.currentId());
        return keys;
    }
}
