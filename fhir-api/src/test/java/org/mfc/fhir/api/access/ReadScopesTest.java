package org.mfc.fhir.api.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class ReadScopesTest {

    @Test
    void givenSystemScopes_whenAsked_thenEverythingOfTheGrantedTypes() {
        ReadScopes all = ReadScopes.of("c", List.of("system/*.read"), null);
        assertThat(all.compartment("Observation", Interaction.SEARCH)).isEqualTo(Compartment.ALL);
        ReadScopes one = ReadScopes.of("c", List.of("system/Observation.read"), null);
        assertThat(one.compartment("Observation", Interaction.READ)).isEqualTo(Compartment.ALL);
        assertThatThrownBy(() -> one.compartment("Patient", Interaction.READ)).isInstanceOf(AccessDenied.class);
    }

    @Test
    void givenSmartV2Letters_whenAsked_thenReadAndSearchApart() {
        ReadScopes r = ReadScopes.of("c", List.of("system/Patient.r"), null);
        assertThat(r.compartment("Patient", Interaction.READ)).isEqualTo(Compartment.ALL);
        assertThatThrownBy(() -> r.compartment("Patient", Interaction.SEARCH)).isInstanceOf(AccessDenied.class);
        ReadScopes rs = ReadScopes.of("c", List.of("system/Patient.rs"), null);
        assertThat(rs.compartment("Patient", Interaction.SEARCH)).isEqualTo(Compartment.ALL);
    }

    @Test
    void givenPatientScope_whenAsked_thenTheClaimsCompartmentOrRefused() {
        ReadScopes p = ReadScopes.of("c", List.of("patient/*.read"), "65f000000000000000000001");
        assertThat(p.compartment("Device", Interaction.READ)).isEqualTo(Compartment.of("65f000000000000000000001"));
        assertThat(p.patientScoped()).isTrue();
        assertThatThrownBy(() -> ReadScopes.of("c", List.of("patient/*.read"), null)
                .compartment("Patient", Interaction.READ)).isInstanceOf(AccessDenied.class);
        assertThatThrownBy(() -> ReadScopes.of("c", List.of("patient/*.read"), "{\"$ne\":1}")
                .compartment("Patient", Interaction.READ)).isInstanceOf(AccessDenied.class);
        ReadScopes both = ReadScopes.of("c", List.of("patient/*.read", "system/Device.read"), "p1");
        assertThat(both.compartment("Device", Interaction.READ)).isEqualTo(Compartment.ALL);
        assertThat(both.compartment("Observation", Interaction.READ)).isEqualTo(Compartment.of("p1"));
    }

    @Test
    void givenWriteUserOrMalformedScopes_whenAsked_thenNothingGranted() {
        for (String scope : List.of("system/Observation.write", "user/*.read", "system/*", "admin",
                "system/observation.read", "patient/*.cud")) {
            assertThatThrownBy(() -> ReadScopes.of("c", List.of(scope), "p1").compartment("Observation",
                    Interaction.READ)).as(scope).isInstanceOf(AccessDenied.class);
        }
    }
}
