package org.mfc.fhir.core.host.auth;

import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * SmallRye JWT's verifier over the keys {@link TokenKeys} read last. SmallRye keeps the key resolver of a verifier
 * for its lifetime (and reads a key file only once), so each new key version gets a new verifier; the verification
 * itself (signature, issuer, audience, expiry, lifetime) stays SmallRye's.
 */
final class RotatingVerifier extends JWTCallerPrincipalFactory {

    private record Current(long version, JWTCallerPrincipalFactory verifier) {
    }

    private final TokenKeys keys;
    private volatile Current current = new Current(0, null);

    RotatingVerifier(TokenKeys keys) {
        this.keys = keys;
    }

    @Override
    public JWTCallerPrincipal parse(String token, JWTAuthContextInfo context) throws ParseException {
        TokenKeys.Snapshot snapshot = keys.current();
        if (snapshot.content() == null) {
            throw new ParseException("no token verification key could be read");
        }
        Current c = current;
        if (c.version() != snapshot.version()) {
            c = new Current(snapshot.version(), new DefaultJWTCallerPrincipalFactory());
            current = c;
        }
        JWTAuthContextInfo withKeys = new JWTAuthContextInfo(context);
        withKeys.setPublicVerificationKey(null);
        withKeys.setPublicKeyLocation(null);
        withKeys.setPublicKeyContent(snapshot.content());
        return c.verifier().parse(token, withKeys);
    }
}
