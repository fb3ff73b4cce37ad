package org.mfc.fhir.ingest;

import static io.restassured.RestAssured.given;

import java.net.URI;

import io.quarkus.test.common.http.TestHTTPResourceManager;
import io.restassured.specification.RequestSpecification;

/** Requests to the service's management port (health, metrics, OpenAPI), which is not the devices' port. */
final class Management {

    private Management() {
    }

    static RequestSpecification request() {
        URI uri = URI.create(TestHTTPResourceManager.getManagementUri());
        return given().baseUri(uri.getScheme() + "://" + uri.getHost()).port(uri.getPort()).basePath("");
    }
}
