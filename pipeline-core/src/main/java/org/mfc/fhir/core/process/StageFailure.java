package org.mfc.fhir.core.process;

import org.mfc.fhir.core.model.Stage;

/**
 * An unexpected failure of one stage of the batch processing, tagged with that stage so that a message isolated as
 * its cause is dead-lettered with the stage it failed in. Never carries patient data: the reason names the stage and
 * the failure's type (and a database error code), the cause keeps the detail for DEBUG logs.
 */
public final class StageFailure extends RuntimeException {

    private final Stage stage;

    public StageFailure(Stage stage, RuntimeException cause) {
        super(stage + " failed: " + describe(cause), cause);
        this.stage = stage;
    }

    public Stage stage() {
        return stage;
    }

    /** The failure's type and, for a database error, its code: what an operator needs to find the cause. */
    static String describe(Throwable t) {
        Throwable c = t instanceof StageFailure && t.getCause() != null ? t.getCause() : t;
        String code = c instanceof com.mongodb.MongoException me && me.getCode() > 0 ? " code " + me.getCode() : "";
        if (c instanceof com.mongodb.MongoBulkWriteException bulk && !bulk.getWriteErrors().isEmpty()) {
            code = " code " + bulk.getWriteErrors().get(0).getCode();
        }
        return c.getClass().getSimpleName() + code;
    }
}
