package org.mfc.fhir.core.model;

/** The device families that post readings; the value travels in the Kafka record and in metric tags. */
public enum DeviceFamily {
    AVA4,
    KATI,
    QUBE_VITAL,
    GENERIC
}
