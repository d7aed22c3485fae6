import type { SeedKind } from '../../contracts';

export type RiskClass = 'auto-ship' | 'one-reviewer' | 'hard-stop';

/** Paths that raise a packet's risk, each with why. Order: first match names the reason. */
export const RISK_PATHS: readonly { readonly re?: RegExp; readonly words?: ReadonlySet<string>; readonly label: string; readonly risk: RiskClass }[] = [
  { re: /(^|\/)\.github\/workflows\/|(^|\/)\.gitlab-ci\.yml$|(^|\/)Jenkinsfile|(^|\/)\.circleci\/|(^|\/)\.travis\.yml$|(^|\/)azure-pipelines\.yml$/, label: 'CI configuration', risk: 'hard-stop' },
  { re: /(^|\/)\.devcontainer(\/|\.json$)/, label: 'devcontainer definition', risk: 'hard-stop' },
  { re: /(^|\/)(migrations?|db\/migrate|alembic|flyway|liquibase)\/|\.migration\.|(^|\/)schema\.sql$/i, label: 'database migration', risk: 'hard-stop' },
  { words: new Set('auth authn authz authentication authorization authorisation login logout signin session sessions password passwords passwd oauth oauth2 saml jwt credential credentials permission permissions acl rbac sso'.split(' ')), label: 'authentication/authorisation', risk: 'hard-stop' },
  { words: new Set('payment payments billing invoice invoices checkout stripe paypal refund refunds ledger wallet'.split(' ')), label: 'payments', risk: 'hard-stop' },
  { words: new Set('crypto cryptography cipher encrypt encryption decrypt decryption hmac signature signing tls ssl x509 keystore secret secrets'.split(' ')), label: 'cryptography/secrets', risk: 'hard-stop' },
  { re: /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|Cargo\.lock|poetry\.lock|Pipfile\.lock|uv\.lock|Gemfile\.lock|composer\.lock|go\.sum|packages\.lock\.json)$/, label: 'lockfile', risk: 'hard-stop' },
  { re: /(^|\/)(Dockerfile|docker-compose\.ya?ml)$|(^|\/)(deploy|infra|terraform|helm|k8s)\//, label: 'deployment/infrastructure', risk: 'one-reviewer' },
];

/** Words of a path: split on separators and camelCase, lower case (`src/AuthService.java` → src, auth, service, java). */
export function pathWords(p: string): string[] {
  return p.split(/[\/_.\-\s]+|(?<=[a-z0-9])(?=[A-Z])/).map((w) => w.toLowerCase()).filter(Boolean);
}

const ORDER: Record<RiskClass, number> = { 'auto-ship': 0, 'one-reviewer': 1, 'hard-stop': 2 };

/**
 * Risk class from the paths in scope and the seed kind. A drafted change starts at
 * `one-reviewer` (a human reviews what an agent wrote); sensitive paths raise it to
 * `hard-stop`. The draft never proposes `auto-ship`: only a human may lower the class.
 */
export function classifyRisk(paths: readonly string[], kind: SeedKind): { risk: RiskClass; reasons: string[] } {
  let risk: RiskClass = 'one-reviewer';
  const reasons: string[] = ['default for a drafted change: one human reviews the diff'];
  if (kind === 'advisory') reasons.push('security advisory: the fix needs a reviewer who knows the threat');
  for (const p of paths) {
    const words = pathWords(p);
    const hit = RISK_PATHS.find((r) => (r.re ? r.re.test(p) : words.some((w) => r.words!.has(w))));
    if (!hit) continue;
    if (ORDER[hit.risk] > ORDER[risk]) risk = hit.risk;
    reasons.push(`${p}: ${hit.label} (${hit.risk})`);
  }
  return { risk, reasons };
}
