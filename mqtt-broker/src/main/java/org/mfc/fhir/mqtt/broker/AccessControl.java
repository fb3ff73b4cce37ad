package org.mfc.fhir.mqtt.broker;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
import com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour;
import com.hivemq.extension.sdk.api.packets.auth.ModifiableDefaultPermissions;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.general.ModifiableUserProperties;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;

/**
 * The broker's authentication and topic ACLs from an {@link AccessFile}, as a HiveMQ extension: a CONNECT without a
 * known user name and matching password is refused ({@code 0x86}); an accepted client gets exactly the grants of its
 * account and everything else is denied (a PUBLISH elsewhere is answered {@code 0x87} and dropped, a SUBSCRIBE
 * elsewhere refused).
 *
 * <p>Every PUBLISH is also stamped with the publishing account's name in the user property
 * {@value #PUBLISHER_PROPERTY} (any value the client put there itself is removed first), so the ingest side can record
 * which authenticated account sent a message: the device's identity still comes from the payload.
 */
public final class AccessControl implements ExtensionMain {

    /** The user property holding the authenticated account that published a message. */
    public static final String PUBLISHER_PROPERTY = "mfc-publisher";
    private static final String ACCOUNT_ATTRIBUTE = "mfc.account";

    private final AccessFile access;
    /** Digest of the last password that matched, per account: a reconnect storm costs no PBKDF2 per connect. */
    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();

    public AccessControl(AccessFile access) {
        this.access = access;
    }

    @Override
    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
        SimpleAuthenticator authenticator = this::authenticate;
        Services.securityRegistry().setAuthenticatorProvider(providerInput -> authenticator);
        PublishInboundInterceptor stamp = this::stampPublisher;
        Services.initializerRegistry().setClientInitializer(
                (initializerInput, clientContext) -> clientContext.addPublishInboundInterceptor(stamp));
    }

    @Override
    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
        verified.clear();
    }

    private void authenticate(SimpleAuthInput input, SimpleAuthOutput output) {
        String user = input.getConnectPacket().getUserName().orElse(null);
        ByteBuffer passwordBuffer = input.getConnectPacket().getPassword().orElse(null);
        AccessFile.Account account = user == null ? null : access.account(user);
        if (account == null || passwordBuffer == null || !matches(account, bytes(passwordBuffer))) {
            output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "unknown user or wrong password");
            return;
        }
        input.getConnectionInformation().getConnectionAttributeStore().putAsString(ACCOUNT_ATTRIBUTE, user);
        ModifiableDefaultPermissions permissions = output.getDefaultPermissions();
        for (String filter : account.publish()) {
            permissions.add(permission(filter, TopicPermission.MqttActivity.PUBLISH));
        }
        for (String filter : account.subscribe()) {
            permissions.add(permission(filter, TopicPermission.MqttActivity.SUBSCRIBE));
        }
        permissions.setDefaultBehaviour(DefaultAuthorizationBehaviour.DENY);
        output.authenticateSuccessfully();
    }

    private boolean matches(AccessFile.Account account, byte[] password) {
        byte[] digest = AccessFile.sha256(password);
        byte[] known = verified.get(account.name());
        if (known != null && MessageDigest.isEqual(known, digest)) {
            return true;
        }
        if (account.secret().matches(password)) {
            verified.put(account.name(), digest);
            return true;
        }
        return false;
    }

    private static TopicPermission permission(String filter, TopicPermission.MqttActivity activity) {
        return Builders.topicPermission().topicFilter(filter).activity(activity)
                .type(TopicPermission.PermissionType.ALLOW).qos(TopicPermission.Qos.ALL)
                .retain(TopicPermission.Retain.ALL).sharedSubscription(TopicPermission.SharedSubscription.ALL)
                .build();
    }

    private void stampPublisher(PublishInboundInput input, PublishInboundOutput output) {
        ModifiableUserProperties properties = output.getPublishPacket().getUserProperties();
        properties.removeName(PUBLISHER_PROPERTY);
        input.getConnectionInformation().getConnectionAttributeStore().getAsString(ACCOUNT_ATTRIBUTE)
                .ifPresent(account -> properties.addUserProperty(PUBLISHER_PROPERTY, account));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }
}
