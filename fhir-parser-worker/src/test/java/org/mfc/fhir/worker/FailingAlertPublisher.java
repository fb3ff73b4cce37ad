package org.mfc.fhir.worker;

import java.util.List;

import org.mfc.fhir.core.parse.AlertNotice;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

/**
 * Enabled by {@link DeadChannelProfile} only (no priority: an alternative with one would be active in every test):
 * publishing an alert fails with an Error, killing the channel.
 */
@Alternative
@ApplicationScoped
public class FailingAlertPublisher extends AlertPublisher {

    @Override
    public void publish(List<AlertNotice> alerts) {
        throw new OutOfMemoryError("simulated: the JVM failed while the alert was published");
    }
}
