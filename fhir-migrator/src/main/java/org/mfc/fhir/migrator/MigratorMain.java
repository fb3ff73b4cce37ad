package org.mfc.fhir.migrator;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.Config;
import org.mfc.fhir.core.messaging.KafkaClients;

import com.mongodb.client.MongoClient;

import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Quarkus command-mode entry point: parses the arguments with picocli and runs one operation; the process exit code
 * is the operation's.
 */
@QuarkusMain
public class MigratorMain implements QuarkusApplication {

    @Inject
    MigrationConfig config;

    @Inject
    MongoClient client;

    /** Every setting, for the {@code kafka.*} ones (the services' Kafka variables, security included). */
    @Inject
    Config allSettings;

    @Override
    public int run(String... args) {
        MigratorCommand.Env env = new MigratorCommand.Env() {
            @Override
            public MongoClient client() {
                return client;
            }

            @Override
            public MigrationSettings settings() {
                return config.settings();
            }

            @Override
            public boolean autoStart() {
                return config.autoStart();
            }

            @Override
            public RederiveJob.Settings rederive() {
                return new RederiveJob.Settings(KafkaClients.fromConfig(allSettings), config.readingsTopic(),
                        config.rederiveGroup(), config.legacyRouting(), config.deviceClockMaxAhead());
            }
        };
        return MigratorCommand.commandLine(env).execute(args);
    }
}
