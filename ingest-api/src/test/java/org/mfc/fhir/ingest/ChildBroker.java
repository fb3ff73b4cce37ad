package org.mfc.fhir.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;

import org.mfc.fhir.infra.ChildProcess;

/**
 * One Kafka broker in a child JVM for the whole test JVM, which a test can kill with SIGKILL and start again on the
 * same port and log. The test profile (run in Quarkus's class loader) and the test (in another) must reach the same
 * broker, so every call goes to this class as the system class loader loaded it.
 */
public final class ChildBroker {

    private static ChildProcess broker;

    private ChildBroker() {
    }

    /** Starts the broker on first use; its bootstrap address. */
    static String address() {
        return (String) inSystemCopy("startOnce");
    }

    static void kill() {
        inSystemCopy("killNow");
    }

    /** Starts the killed broker again; returns once it accepts clients. */
    static void start() {
        inSystemCopy("startNow");
    }

    /** Stops the broker's process without closing its connections (SIGSTOP): a broker that hangs. */
    static void pause() {
        inSystemCopy("pauseNow");
    }

    /** Lets the paused broker run again (SIGCONT). */
    static void resume() {
        inSystemCopy("resumeNow");
    }

    public static synchronized String startOnce() {
        if (broker == null) {
            try {
                broker = ChildProcess.kafkaBroker(Files.createTempDirectory("ingest-child-broker")).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return broker.address();
    }

    public static synchronized String killNow() {
        broker.kill();
        return null;
    }

    public static synchronized String startNow() {
        broker.start();
        return null;
    }

    public static synchronized String pauseNow() {
        return signal("STOP");
    }

    public static synchronized String resumeNow() {
        return signal("CONT");
    }

    private static String signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(broker.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " " + broker.pid() + " failed");
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Object inSystemCopy(String method) {
        try {
            Class<?> copy = Class.forName(ChildBroker.class.getName(), true, ClassLoader.getSystemClassLoader());
            return copy.getMethod(method).invoke(null);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("test classes are not on the system class path", e);
        }
    }
}
