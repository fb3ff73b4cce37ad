/**
 * The MongoDB stand-in's storage engine: mongo-java-server's in-memory backend with real lookup maps for non-unique
 * indexes ({@link org.mfc.fhir.infra.mongo.standin.IndexedMemoryBackend}), documents kept as BSON until first updated
 * ({@code StoredBson}), and the matcher, in-place updates and index keys that go with them. Test infrastructure only,
 * used by {@code MongoWireServer.inMemory()}; FROZEN: kept as the tests need it, never tuned further, and no product
 * default is chosen from how it behaves (docs/decisions.md, "The migrator's defaults come from a real MongoDB").
 * Code for a real MongoDB.
 */
package org.mfc.fhir.infra.mongo.standin;
