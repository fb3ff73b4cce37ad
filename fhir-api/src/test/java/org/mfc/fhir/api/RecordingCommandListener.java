package org.mfc.fhir.api;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.bson.BsonDocument;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;

/**
 * Records every command sent to MongoDB. A top-level class: Quarkus registers every {@link CommandListener} of the
 * application (test classes included) on its client, which here is harmless.
 */
public class RecordingCommandListener implements CommandListener {

    static final List<BsonDocument> COMMANDS = new CopyOnWriteArrayList<>();

    @Override
    public void commandStarted(CommandStartedEvent event) {
        COMMANDS.add(event.getCommand().clone());
    }
}
