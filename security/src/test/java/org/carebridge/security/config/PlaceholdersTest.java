package org.carebridge.security.config;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlaceholdersTest {

    private final UnaryOperator<String> lookup = Map.of("a", "alpha", "base", "https://h:8443", "odd", "c:\\x$1")::get;

    @Test
    void replacesAPlaceholderWithItsValue() {
        assertThat(Placeholders.resolve("${a}", lookup)).isEqualTo("alpha");
        assertThat(Placeholders.resolve("${base}/partners/${a}/x", lookup)).isEqualTo("https://h:8443/partners/alpha/x");
    }

    @Test
    void usesTheDefaultOnlyWhenTheNameIsUnknown() {
        assertThat(Placeholders.resolve("${missing:fallback}", lookup)).isEqualTo("fallback");
        assertThat(Placeholders.resolve("${a:fallback}", lookup)).isEqualTo("alpha");
        assertThat(Placeholders.resolve("${missing:}", lookup)).isEmpty();
    }

    @Test
    void aDefaultMayContainColons() {
        assertThat(Placeholders.resolve("${missing:https://localhost:9443}/p", lookup)).isEqualTo("https://localhost:9443/p");
    }

    @Test
    void valuesAreInsertedLiterally() {
        assertThat(Placeholders.resolve("[${odd}]", lookup)).isEqualTo("[c:\\x$1]");
    }

    @Test
    void textWithoutPlaceholdersAndNullPassThrough() {
        assertThat(Placeholders.resolve("plain $ {not} text", lookup)).isEqualTo("plain $ {not} text");
        assertThat(Placeholders.resolve(null, lookup)).isNull();
    }

    @Test
    void anUnresolvedPlaceholderThrowsNamingIt() {
        assertThatThrownBy(() -> Placeholders.resolve("${a}/${nope}", lookup))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("${nope}");
    }
}
