package org.mfc.fhir.core.model;

/**
 * The pipeline's stage vocabulary. The same names appear in log lines, metric tags, dead-letter headers and error
 * reports, so an operator can follow a reading across services.
 */
public enum Stage {
    RECEIVE,
    VALIDATE,
    PUBLISH,
    PARSE,
    RESOLVE,
    MAP,
    PERSIST,
    LEGACY,
    MIGRATE
}
