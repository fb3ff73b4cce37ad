package org.mfc.fhir.infra;

import java.util.function.Supplier;

/**
 * Runs server start-up with this module's own class loader as the thread context class loader.
 *
 * <p>Why: Kafka instantiates configured classes (e.g. its share-group state persister) through the context class
 * loader, and every thread a server starts inherits the context loader of the thread that started it. Called from a
 * Quarkus test resource, that loader is a per-application Quarkus loader: Kafka would then mix classes of two
 * loaders ({@code NoSuchMethodException} on its own constructors) and keep a loader alive that Quarkus closes later.
 */
final class OwnClassLoader {

    private OwnClassLoader() {
    }

    static <T> T callWith(Supplier<T> action) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(OwnClassLoader.class.getClassLoader());
        try {
            return action.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
