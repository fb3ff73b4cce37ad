package org.mfc.fhir.infra;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

/**
 * The class path a child JVM needs to run one of this module's mains: the current JVM's own class path, flattened.
 *
 * <p>Why flatten: under Maven Surefire {@code java.class.path} may be a manifest-only "booter" jar whose
 * {@code Class-Path} lists the real entries, and the local-run jar {@code embedded-infra.jar} refers to
 * {@code lib/*.jar} the same way. Listing every referenced jar explicitly makes the child independent of such
 * indirections (and of the booter jar being deleted when the parent's test run ends).
 */
final class ChildClasspath {

    private ChildClasspath() {
    }

    /** The current JVM's class path with every manifest {@code Class-Path} reference expanded, as one string. */
    static String ofCurrentJvm() {
        Set<Path> entries = new LinkedHashSet<>();
        Deque<Path> pending = new ArrayDeque<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                pending.add(Path.of(entry).toAbsolutePath().normalize());
            }
        }
        while (!pending.isEmpty()) {
            Path entry = pending.removeFirst();
            if (Files.exists(entry) && entries.add(entry) && isJar(entry)) {
                pending.addAll(manifestClassPath(entry));
            }
        }
        return entries.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    private static boolean isJar(Path entry) {
        return Files.isRegularFile(entry) && entry.getFileName().toString().endsWith(".jar");
    }

    private static Set<Path> manifestClassPath(Path jar) {
        Set<Path> referenced = new LinkedHashSet<>();
        try (JarFile jarFile = new JarFile(jar.toFile())) {
            Manifest manifest = jarFile.getManifest();
            String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (classPath == null) {
                return referenced;
            }
            URL base = jar.toUri().toURL();
            for (String reference : classPath.trim().split("\\s+")) {
                URL url = new URL(base, reference);
                if ("file".equals(url.getProtocol())) {
                    referenced.add(Path.of(url.toURI()).normalize());
                }
            }
            return referenced;
        } catch (IOException | URISyntaxException | IllegalArgumentException e) {
            // An unreadable jar or an odd reference: the entry itself is still on the class path.
            return referenced;
        }
    }
}
