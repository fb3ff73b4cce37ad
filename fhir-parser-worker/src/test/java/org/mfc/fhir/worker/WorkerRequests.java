package org.mfc.fhir.worker;

import static io.restassured.RestAssured.given;

import java.net.URI;
import java.util.List;

import org.mfc.fhir.core.testing.TestJwt;

import io.quarkus.test.common.http.TestHTTPResourceManager;
import io.restassured.specification.RequestSpecification;

/** Requests of the worker's tests: the admin API with an operator's token, health and metrics on the management port. */
final class WorkerRequests {

    private WorkerRequests() {
    }

    /** The admin API as an operator (scope {@code admin}). */
    static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + TestJwt.shared().token("operator", "admin", null));
    }

    /** The admin API with a device's token: write scope, bound to a box, no admin scope. */
    static RequestSpecification device() {
        return given().header("Authorization", "Bearer " + TestJwt.shared().token("box", TestJwt.WRITE_SCOPE,
                List.of("box-08F9E0D1F7B4")));
    }

    static RequestSpecification management() {
        URI uri = URI.create(TestHTTPResourceManager.getManagementUri());
        return given().baseUri(uri.getScheme() + "://" + uri.getHost()).port(uri.getPort()).basePath("");
    }
}
