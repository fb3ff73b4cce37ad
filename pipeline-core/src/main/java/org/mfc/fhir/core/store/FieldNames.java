package org.mfc.fhir.core.store;

/**
 * What may be written as a MongoDB field name. Every name the pipeline writes is its own constant; this check guards
 * the few places that copy a structure, so that a name MongoDB would read as an operator ({@code $set}), a path
 * ({@code a.b}) or refuse (empty, NUL) can never reach the database from a device.
 */
public final class FieldNames {

    private FieldNames() {
    }

    public static boolean safe(String name) {
        return name != null && !name.isEmpty() && name.length() <= 64 && name.charAt(0) != '$'
                && name.indexOf('.') < 0 && name.indexOf('\0') < 0;
    }
}
