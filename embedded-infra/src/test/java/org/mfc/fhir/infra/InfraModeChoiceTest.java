package org.mfc.fhir.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InfraModeChoiceTest {

    @AfterEach
    void clearOverride() {
        System.clearProperty(InfraModeChoice.OVERRIDE);
    }

    @Test
    void overrideForcesAModeWithoutProbingDocker() {
        System.setProperty(InfraModeChoice.OVERRIDE, " Embedded ");
        assertThat(InfraModeChoice.decide())
                .isEqualTo(new InfraModeChoice(InfraMode.EMBEDDED, "forced by PIPELINE_INFRA=Embedded"));

        System.setProperty(InfraModeChoice.OVERRIDE, "containers");
        assertThat(InfraModeChoice.decide().mode()).isEqualTo(InfraMode.CONTAINERS);
    }

    @Test
    void unknownOverrideFailsLoudly() {
        System.setProperty(InfraModeChoice.OVERRIDE, "docker");
        assertThatThrownBy(InfraModeChoice::decide)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'embedded' or 'containers'");
    }

    @Test
    void withoutOverrideTheAnswerNeverThrows() {
        assertThat(InfraModeChoice.decide().reason()).isNotBlank();
    }
}
