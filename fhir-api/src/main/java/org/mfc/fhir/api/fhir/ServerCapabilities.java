package org.mfc.fhir.api.fhir;

import java.util.Date;

import org.hl7.fhir.r5.model.CapabilityStatement;
import org.hl7.fhir.r5.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r5.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r5.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r5.model.CodeType;
import org.hl7.fhir.r5.model.Enumerations;
import org.hl7.fhir.r5.model.UriType;
import org.mfc.fhir.api.search.SearchParameter;
import org.mfc.fhir.api.search.SupportedSearches;

/**
 * The server's CapabilityStatement, generated from {@link SupportedSearches}, the table the parameter parser accepts:
 * read of each readable type, search-type with exactly the parameters and includes the parser takes, and
 * {@code Observation/$lastn}. Nothing is declared that the API does not serve.
 */
final class ServerCapabilities {

    private static final Date PUBLISHED = new Date();

    private ServerCapabilities() {
    }

    /** SMART's extension naming the authorization server's endpoints in a CapabilityStatement. */
    static final String OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

    /** @param tokenEndpoint the authorization server's token endpoint, or null when none is configured */
    static CapabilityStatement build(String base, String tokenEndpoint) {
        CapabilityStatement cs = new CapabilityStatement();
        cs.setStatus(Enumerations.PublicationStatus.ACTIVE);
        cs.setName("MfcFhirReadApi");
        cs.setTitle("MFC FHIR R5 read and search API");
        cs.setDate(PUBLISHED);
        cs.setPublisher("MFC");
        cs.setDescription("Read and search of what the MFC pipeline stored: device Observations, Patients, Devices, "
                + "Provenance and Organizations. Read only.");
        cs.setKind(Enumerations.CapabilityStatementKind.INSTANCE);
        cs.getSoftware().setName("mfc-fhir-api");
        cs.getImplementation().setDescription("MFC FHIR read API").setUrl(base);
        cs.setFhirVersion(Enumerations.FHIRVersion._5_0_0);
        cs.addFormat("json");
        cs.addFormat("xml");
        cs.addFormat(Format.FHIR_JSON);
        cs.addFormat(Format.FHIR_XML);
        CapabilityStatementRestComponent rest = cs.addRest();
        rest.setMode(CapabilityStatement.RestfulCapabilityMode.SERVER);
        // SMART-on-FHIR only where a client can discover where to get a token (.well-known/smart-configuration).
        boolean smart = tokenEndpoint != null;
        rest.getSecurity().addService().addCoding()
                .setSystem("http://terminology.hl7.org/CodeSystem/restful-security-service")
                .setCode(smart ? "SMART-on-FHIR" : "OAuth").setDisplay(smart ? "SMART-on-FHIR" : "OAuth");
        if (smart) {
            rest.getSecurity().addExtension().setUrl(OAUTH_URIS).addExtension("token", new UriType(tokenEndpoint));
        }
        rest.getSecurity().setDescription("Bearer JWT (RS256). Scopes: system/*.read or system/<type>.read read "
                + "everything of those types; patient/*.read or patient/<type>.read with the token's patient claim "
                + "read that patient's compartment (Observations and Provenance of the patient, the Patient, the "
                + "Devices that measured the patient, the patient's managing Organization); SMART v2 .r and .s are "
                + "read and search. Other patients' resources answer 404.");
        for (String type : SupportedSearches.READABLE) {
            CapabilityStatementRestResourceComponent resource = rest.addResource();
            resource.setType(type);
            resource.addInteraction().setCode(TypeRestfulInteraction.READ);
            if (SupportedSearches.searchable(type)) {
                resource.addInteraction().setCode(TypeRestfulInteraction.SEARCHTYPE);
                for (SearchParameter p : SupportedSearches.searchParameters(type)) {
                    resource.addSearchParam().setName(p.name())
                            .setType(Enumerations.SearchParamType.fromCode(p.type()))
                            .setDefinition(p.definition()).setDocumentation(p.documentation());
                }
                for (String include : SupportedSearches.includes(type)) {
                    resource.getSearchInclude().add(new CodeType(include));
                }
            }
            if (SupportedSearches.OBSERVATION.equals(type)) {
                resource.addOperation().setName(SupportedSearches.LASTN)
                        .setDefinition(SupportedSearches.LASTN_DEFINITION)
                        .setDocumentation("GET only; parameters: " + String.join(", ",
                                SupportedSearches.LASTN_PARAMETERS.stream().map(SearchParameter::name).toList())
                                + ". Groups are Observation.code's primary coding.");
            }
        }
        return cs;
    }
}
