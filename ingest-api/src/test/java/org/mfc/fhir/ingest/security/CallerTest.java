package org.mfc.fhir.ingest.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.model.DeviceIdentity;
import org.mfc.fhir.core.model.IdType;

class CallerTest {

    private static final DeviceIdentity BOX = new DeviceIdentity(IdType.BOX_MAC, "DCDA0C5A8064", "AVA4");
    private static final DeviceIdentity WATCH = new DeviceIdentity(IdType.IMEI, "865067123456789", "Kati Watch");

    @Test
    void givenNoBindingWithFleetScope_whenChecked_thenAnyDeviceAllowed() {
        Caller caller = new Caller("c", null, true);
        assertThat(caller.mayPostFor(BOX)).isTrue();
        assertThat(caller.mayPostFor(WATCH)).isTrue();
        assertThat(caller.bound()).isFalse();
    }

    @Test
    void givenNoBindingWithoutFleetScope_whenChecked_thenNoDeviceAllowed() {
        Caller caller = new Caller("c", null, false);
        assertThat(caller.mayPostFor(BOX)).isFalse();
        assertThat(caller.mayPostFor(WATCH)).isFalse();
    }

    @Test
    void givenBindingByKeyOrRawSpelling_whenChecked_thenOnlyThoseDevicesAllowed() {
        assertThat(new Caller("c", Set.of("box-DCDA0C5A8064"), false).mayPostFor(BOX)).isTrue();
        assertThat(new Caller("c", Set.of("BOX-dcda0c5a8064"), false).mayPostFor(BOX)).isTrue();
        assertThat(new Caller("c", Set.of("dc-da-0c-5a-80-64"), false).mayPostFor(BOX)).isTrue();
        assertThat(new Caller("c", Set.of(":865067123456789 "), false).mayPostFor(WATCH)).isTrue();
        assertThat(new Caller("c", Set.of("box-DCDA0C5A8064"), false).mayPostFor(WATCH)).isFalse();
        assertThat(new Caller("c", Set.of("imei-865067123456780"), false).mayPostFor(WATCH)).isFalse();
        assertThat(new Caller("c", Set.of(), false).mayPostFor(BOX)).isFalse();
    }

    @Test
    void givenBleAddressEqualToBoxMac_whenBoundAsBleKey_thenBoxNotAllowed() {
        // A key names the device type too: ble-X is not box-X.
        assertThat(new Caller("c", Set.of("ble-DCDA0C5A8064"), false).mayPostFor(BOX)).isFalse();
    }
}
