package org.mfc.fhir.core.model;

/** How a physical device is identified; decides the normalisation and the FHIR identifier system. */
public enum IdType {
    /** BLE address of a measuring sub-device (cuff, oximeter, ...). */
    BLE_MAC,
    /** MAC of a gateway or kiosk box (AVA4 box, Qube-Vital kiosk). */
    BOX_MAC,
    /** 15-digit IMEI of a device with its own SIM (Kati watch). */
    IMEI
}
