package org.mfc.fhir.core.fhir;

import org.hl7.fhir.r5.model.Coding;
import org.hl7.fhir.r5.model.Resource;
import org.mfc.fhir.core.model.Systems;

/**
 * The version of the mapping rules that produced a stored resource: every resource carries it as a {@code meta.tag}
 * ({@link Systems#MAPPING_VERSION}) and every envelope as {@code mapping_version}. Resources written before
 * versions existed have neither and count as version 1. Raise {@link #CURRENT} with any change that alters what is
 * stored for the same input (a code, a unit, the identity rule); {@code fhir-migrator rederive} then rewrites what
 * older versions stored (docs/decisions.md, "Mapping version and re-derivation").
 */
public final class MappingVersion {

    /**
     * 2: values keep the code and unit they were measured in, identity includes the value, data-quality flags in
     * {@code meta.tag}, normal ranges, MDC codes (issue 15).
     */
    public static final int CURRENT = 2;
    /** What an envelope without {@code mapping_version} was written by. */
    public static final int UNVERSIONED = 1;
    /** Envelope field of the version. */
    public static final String FIELD = "mapping_version";

    private MappingVersion() {
    }

    public static void tag(Resource resource) {
        resource.getMeta().addTag(new Coding(Systems.MAPPING_VERSION, String.valueOf(CURRENT),
                "Mapping version " + CURRENT));
    }
}
