/**
 * Secret-looking tool arguments (issue 12: "arguments that look like secrets are
 * blocked"). Two kinds of rule:
 * - token formats published by their issuers: AWS access key ids (IAM User Guide,
 *   "Unique identifier prefixes": AKIA/ASIA + 16), GitHub tokens (GitHub blog 2021-04-05,
 *   "Behind GitHub's new authentication token formats": ghp_/gho_/ghu_/ghs_/ghr_ and
 *   github_pat_), Anthropic (`sk-ant-`), OpenAI (`sk-`/`sk-proj-`), Slack (`xox?-`, Slack
 *   API "Token types"), Google API keys (`AIza` + 35), Stripe live keys (`sk_live_`/
 *   `rk_live_`), PEM private keys (RFC 7468 labels ending `PRIVATE KEY`), JWTs (RFC 7519
 *   compact form, two base64url JSON parts starting `eyJ`), HTTP Bearer credentials
 *   (RFC 6750), and Shopfloor's own per-station tokens (`sf-proxy-`, `sf-mcp-`);
 * - a key that names a credential (password, secret, api key, private key, access or auth
 *   token, client secret) holding a string of 8 or more characters.
 * A heuristic: it blocks the common leaks, not every secret. Pure; no I/O.
 */
const FORMATS: readonly { kind: string; re: RegExp }[] = [
  { kind: 'an AWS access key id', re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { kind: 'a GitHub token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/ },
  { kind: 'an Anthropic key', re: /\bsk-ant-[a-z]+\d*-[A-Za-z0-9_-]{8,}/ },
  { kind: 'an OpenAI key', re: /\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{32,}/ },
  { kind: 'a Slack token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { kind: 'a Google API key', re: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { kind: 'a Stripe live key', re: /\b[rs]k_live_[0-9A-Za-z]{20,}/ },
  { kind: 'a PEM private key', re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/ },
  { kind: 'a JSON Web Token', re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  { kind: 'a Bearer credential', re: /\bBearer\s+[A-Za-z0-9._~+/-]{20,}=*/ },
  { kind: 'a Shopfloor station token', re: /\bsf-(?:proxy|mcp)-[A-Za-z0-9_-]{8,}/ },
];

const CREDENTIAL_KEY = /(?:^|[_-])(?:password|passwd|passphrase|secret|api[_-]?key|apikey|private[_-]?key|access[_-]?token|auth[_-]?token|refresh[_-]?token|client[_-]?secret|credentials?)$/i;

/** Where a secret-looking value sits: a JSON path (`$.a.b[2]`) and what it looks like. */
export interface SecretFinding {
  path: string;
  kind: string;
}

/** The first secret-looking value in `args` (walked depth first, at most 10,000 nodes), or undefined. */
export function findSecret(args: unknown): SecretFinding | undefined {
  let budget = 10_000;
  const walk = (v: unknown, path: string, key: string | undefined): SecretFinding | undefined => {
    if (--budget < 0) return undefined;
    if (typeof v === 'string') {
      for (const f of FORMATS) if (f.re.test(v)) return { path, kind: f.kind };
      if (key !== undefined && CREDENTIAL_KEY.test(key) && v.length >= 8) return { path, kind: `a credential (key "${key}")` };
      return undefined;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const f = walk(v[i], `${path}[${i}]`, key);
        if (f) return f;
      }
      return undefined;
    }
    if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const f = walk(x, `${path}.${k}`, k);
        if (f) return f;
      }
    }
    return undefined;
  };
  return walk(args, '$', undefined);
}
