// A real OpenID Connect provider for the tests (panva's oidc-provider, development login form).
// Started by tests/fakes/oidc_provider.py; configured from the environment:
//   OIDC_PORT, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URIS (comma separated).
// The user name typed at login decides the account's claims:
//   email <id>@example.test, email_verified unless <id> starts with "unverified",
//   name <id>, groups ["dbadmin-admins"] when <id> starts with "group-admin", else [].
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT || 4455);
const issuer = `http://127.0.0.1:${port}`;
const clientId = process.env.OIDC_CLIENT_ID || 'dbadmin';

const oidc = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: process.env.OIDC_CLIENT_SECRET || 'dbadmin-test-secret',
    redirect_uris: (process.env.OIDC_REDIRECT_URIS || '').split(',').map((u) => u.trim()).filter(Boolean),
    // grant_types / response_types default to authorization_code / code.
  }],
  pkce: { required: () => true }, // the relying party must send an S256 code_challenge
  claims: { email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
  conformIdTokenClaims: false, // put the granted claims in the ID token too, not only in userinfo
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email: `${id}@example.test`,
          email_verified: !id.startsWith('unverified'),
          name: id,
          groups: id.startsWith('group-admin') ? ['dbadmin-admins'] : [],
        };
      },
    };
  },
  // Skip the consent form (oidc-provider's documented recipe for first-party clients):
  // grant whatever OIDC scopes and claims the client asks for.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    const grant = (grantId && await ctx.oidc.provider.Grant.find(grantId)) || new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope([...ctx.oidc.requestParamOIDCScopes].join(' '));
    grant.addOIDCClaims([...ctx.oidc.requestParamClaims]);
    await grant.save();
    return grant;
  },
});

oidc.listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
