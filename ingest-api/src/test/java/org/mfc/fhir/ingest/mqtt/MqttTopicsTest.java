package org.mfc.fhir.ingest.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.model.DeviceFamily;

class MqttTopicsTest {

    @Test
    void givenFleetTopics_whenRouted_thenFamilyAndParserTopicAsOverHttp() {
        assertThat(MqttTopics.route("dusun_pub")).isEqualTo(new MqttTopics.Route(DeviceFamily.AVA4, null));
        assertThat(MqttTopics.route("dusun_sub")).isEqualTo(new MqttTopics.Route(DeviceFamily.AVA4, null));
        assertThat(MqttTopics.route("ESP32_BLE_GW_TX")).isEqualTo(new MqttTopics.Route(DeviceFamily.AVA4, null));
        assertThat(MqttTopics.route("CM4_BLE_GW_TX")).isEqualTo(new MqttTopics.Route(DeviceFamily.QUBE_VITAL, null));
        assertThat(MqttTopics.route("iMEDE_watch/VitalSign"))
                .isEqualTo(new MqttTopics.Route(DeviceFamily.KATI, "VitalSign"));
        assertThat(MqttTopics.route("iMEDE_watch/sos")).isEqualTo(new MqttTopics.Route(DeviceFamily.KATI, "sos"));
    }

    @Test
    void givenOtherTopics_whenRouted_thenNoFamily() {
        assertThat(MqttTopics.route("DUSUN_PUB")).isNull();
        assertThat(MqttTopics.route("iMEDE_watch/")).isNull();
        assertThat(MqttTopics.route("iMEDE_watch/a/b")).isNull();
        assertThat(MqttTopics.route("something/else")).isNull();
        assertThat(MqttTopics.routable("iMEDE_watch/#")).isTrue();
        assertThat(MqttTopics.routable("#")).isFalse();
    }
}
