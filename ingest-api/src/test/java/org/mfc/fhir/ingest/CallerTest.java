package org.mfc.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;
import org.mfc.fhir.core.model.DeviceIdentity;
import org.mfc.fhir.core.model.IdType;

class CallerTest {

    private static final DeviceIdentity BOX = new DeviceIdentity(IdType.BOX_MAC, "DCDA0C5A8064", "AVA4");
    private static final DeviceIdentity WATCH = new DeviceIdentity(IdType.IMEI, "865067123456789", "Kati Watch");

    @Test
    void givenNoBinding_whenChecked_thenAnyDeviceAllowed() {
        Caller caller = new Caller("c", null);
        assertThat(caller.mayPostFor(BOX)).isTrue();
        assertThat(caller.mayPostFor(WATCH)).isTrue();
    }

    @Test
    void givenBindingByKeyOrRawSpelling_whenChecked_thenOnlyThoseDevicesAllowed() {
        assertThat(new Caller("c", Set.of("box-DCDA0C5A8064")).mayPostFor(BOX)).isTrue();
        assertThat(new Caller("c", Set.of("BOX-dcda0c5a8064")).mayPostFor(BOX)).isTrue();
        assertThat(new Caller("c", Set.of("dc-da-0c-5a-80-64")).mayPostFor(BOX)).isTrue();
        assertThat(new Caller("c", Set.of(":865067123456789 ")).mayPostFor(WATCH)).isTrue();
        assertThat(new Caller("c", Set.of("box-DCDA0C5A8064")).mayPostFor(WATCH)).isFalse();
        assertThat(new Caller("c", Set.of("imei-865067123456780")).mayPostFor(WATCH)).isFalse();
        assertThat(new Caller("c", Set.of()).mayPostFor(BOX)).isFalse();
    }

    @Test
    void givenBleAddressEqualToBoxMac_whenBoundAsBleKey_thenBoxNotAllowed() {
        // A key names the device type too: ble-X is not box-X.
        assertThat(new Caller("c", Set.of("ble-DCDA0C5A8064")).mayPostFor(BOX)).isFalse();
    }
}
