package org.mfc.fhir.ingest.publish;

/**
 * A publish refused before anything was handed to the producer, because the producer holds no broker connection:
 * the request is stored synchronously at once instead of waiting for records that cannot be delivered to expire.
 */
public class BrokerUnavailableException extends RuntimeException {

    public BrokerUnavailableException() {
        super("the readings producer has no broker connection", null, false, false);
    }
}
