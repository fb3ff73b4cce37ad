package org.mfc.fhir.core.process;

import org.mfc.fhir.core.json.IngestRecord;
import org.mfc.fhir.core.parse.ParseResult;

/** PARSE as {@link ReadingProcessor} sees it: {@code Parsers::parse} in every host, a stand-in in tests. */
@FunctionalInterface
public interface RecordParser {

    ParseResult parse(IngestRecord record);
}
