package org.mfc.fhir.ingest.publish;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mfc.fhir.ingest.publish.ProducerConnection.EstablishedConnection;

/** A connection attempt in progress is not a connection: readiness and routing must not flap on reconnects. */
class EstablishedConnectionTest {

    @Test
    void givenOnlyAttemptsToAnUnreachableBroker_whenObserved_thenNeverConnected() {
        EstablishedConnection c = new EstablishedConnection();
        for (int attempt = 0; attempt < 5; attempt++) {
            assertThat(c.observe(1, 0)).isFalse();
            assertThat(c.observe(0, 0)).isFalse();
        }
    }

    @Test
    void givenAnEstablishedConnection_whenObserved_thenConnected() {
        EstablishedConnection c = new EstablishedConnection();
        assertThat(c.observe(1, 0)).isFalse();
        assertThat(c.observe(2, 2)).isTrue();
    }

    @Test
    void givenABrokerLostAfterWorking_whenReconnectAttemptsFail_thenDownUntilOneSucceeds() {
        EstablishedConnection c = new EstablishedConnection();
        assertThat(c.observe(1, 1)).isTrue();
        assertThat(c.observe(0, 1)).isFalse();
        assertThat(c.observe(1, 1)).as("attempt in progress").isFalse();
        assertThat(c.observe(0, 1)).isFalse();
        assertThat(c.observe(1, 2)).as("reconnected").isTrue();
    }
}
