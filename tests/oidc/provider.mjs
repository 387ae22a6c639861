// A real OpenID provider for Ting's tests, configured by the JSON in PROVIDER_CONFIG:
//   {clients: [...], jwk: {private RSA JWK}, accounts: {email: {name, email_verified}},
//    clock_skew_seconds: 0}
// It listens on 127.0.0.1 at a free port and prints its issuer URL as its one line of output.
import http from "node:http";
import Provider from "oidc-provider";

const config = JSON.parse(process.env.PROVIDER_CONFIG);

// A provider whose clock is off (to show Ting refuses its expired tokens).
const skew = (config.clock_skew_seconds || 0) * 1000;
if (skew) {
  const realNow = Date.now;
  Date.now = () => realNow() + skew;
}

const server = http.createServer();
server.listen(0, "127.0.0.1", () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: config.clients,
    jwks: { keys: [config.jwk] },
    cookies: { keys: ["test-cookie-key-not-a-secret"] },
    pkce: { required: () => true },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    features: { devInteractions: { enabled: true } },
    // with a clock that is off, the login pages' own cookies must outlive the skew
    ...(skew ? { ttl: { Interaction: 86400, Session: 86400, Grant: 86400 } } : {}),
    async findAccount(ctx, id) {
      const account = config.accounts[id];
      if (!account) return undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: id, email: id, email_verified: account.email_verified, name: account.name };
        },
      };
    },
  });
  provider.proxy = false;
  server.on("request", provider.callback());
  console.log(issuer);
});
