package org.mfc.fhir.core.ids;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class IdentifiersTest {

    @Test
    void givenEverySpellingOfOneMac_whenNormalised_thenOneForm() {
        for (String raw : new String[] {"d616f9641622", "D6:16:F9:64:16:22", " D616F9641622 ", "d6-16-f9-64-16-22",
                "D6.16.F9.64.16.22", "\tD6:16:F9:64:16:22\n"}) {
            assertThat(Identifiers.mac(raw)).as(raw).contains("D616F9641622");
        }
        for (String raw : new String[] {"D616F964162", "D616F96416223", "G616F9641622", "D6:16:F9:64:16:2Z", "",
                "\u0661616F9641622", "D6_16_F9_64_16_22"}) {
            assertThat(Identifiers.mac(raw)).as(raw).isEmpty();
        }
    }

    @Test
    void givenRegistryNoiseAroundImeis_whenNormalised_thenFifteenDigits() {
        assertThat(Identifiers.imei(":865067123456789")).contains("865067123456789");
        assertThat(Identifiers.imei(" : 865067123456789 ")).contains("865067123456789");
        assertThat(Identifiers.imei("86506712345678")).isEmpty();
        assertThat(Identifiers.imei("8650671234567890")).isEmpty();
        assertThat(Identifiers.imei("86506712345678x")).isEmpty();
    }

    @Test
    void givenInputsFarLongerThanAnyIdentifier_whenNormalised_thenRefusedWithoutScanningThem() {
        String megabyte = ":".repeat(1024 * 1024);
        assertThat(Identifiers.imei(megabyte + "865067123456789")).isEqualTo(Optional.empty());
        assertThat(Identifiers.mac(" ".repeat(1024 * 1024) + "D616F9641622")).isEmpty();
        assertThat(Identifiers.imei(" ".repeat(40) + "865067123456789")).contains("865067123456789");
    }
}
