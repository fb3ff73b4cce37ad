package org.mfc.fhir.core.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.host.auth.TokenConfig;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The shared settings have their defaults in one place, this module's {@code META-INF/microprofile-config.properties}
 * (the mappings carry none): every key resolves from that file alone, an operator's variable wins over the default,
 * and a service's own file (a higher ordinal) wins over both.
 */
class SharedConfigDefaultsTest {

    /** The default sources (with the core file) as Quarkus reads them: its converter for "60s"-style durations. */
    private static SmallRyeConfig config(Map<String, String> overrides, int ordinal) {
        return new SmallRyeConfigBuilder().addDefaultSources().addDefaultInterceptors()
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(overrides, "test", ordinal))
                .withMapping(PipelineConfig.class).withMapping(TokenConfig.class).build();
    }

    @Test
    void everyKeyHasItsDefaultFromTheCoreFile() {
        SmallRyeConfig config = config(Map.of(), 300);
        PipelineConfig pipeline = config.getConfigMapping(PipelineConfig.class);
        TokenConfig token = config.getConfigMapping(TokenConfig.class);

        assertThat(pipeline.mainDb()).isEqualTo("AMY");
        assertThat(pipeline.fhirDb()).isEqualTo("MFC_FHIR_R5");
        assertThat(pipeline.legacyRouting()).isTrue();
        assertThat(pipeline.registryCacheTtl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(pipeline.deviceClockMaxAhead()).isEqualTo(Duration.ofMinutes(5));
        assertThat(pipeline.deviceTimeStaleAfter()).isEqualTo(Duration.ofHours(24));
        assertThat(pipeline.legacyBucketMaxEntries()).isEqualTo(5000);
        assertThat(token.cacheTtl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(token.cacheMaxEntries()).isEqualTo(100_000);
        assertThat(token.keysRefresh()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void theOperatorsVariableReplacesTheDefault() {
        PipelineConfig pipeline = config(Map.of("MONGODB_MAIN_DB", "CLINIC", "LEGACY_BUCKET_MAX_ENTRIES", "200"), 300)
                .getConfigMapping(PipelineConfig.class);

        assertThat(pipeline.mainDb()).isEqualTo("CLINIC");
        assertThat(pipeline.legacyBucketMaxEntries()).isEqualTo(200);
        assertThat(pipeline.fhirDb()).isEqualTo("MFC_FHIR_R5");
    }

    @Test
    void aServicesOwnFileOverridesTheSharedOne() {
        // application.properties has ordinal 250, above the core file's 100.
        TokenConfig token = config(Map.of("token.cache.ttl", "0s"), 250).getConfigMapping(TokenConfig.class);

        assertThat(token.cacheTtl()).isZero();
        assertThat(token.keysRefresh()).isEqualTo(Duration.ofSeconds(30));
    }
}
