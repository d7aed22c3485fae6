import type { PromotionFigure, PromotionRule, RegistryTier } from '../../contracts';
import type { OutcomeFigures } from './analytics';

/**
 * The promotion rule (issue 13 item 4): a version moves from `candidate` to `production`
 * only when its recorded outcomes meet the rule its tier declares. Pure.
 */

/** The rule a tier has when the registry declares none (`tiers/<tier>.json`): platform asks for the most evidence. */
export const DEFAULT_PROMOTION_RULES: Record<RegistryTier, PromotionRule> = {
  platform: { kind: 'promotion-rule', tier: 'platform', minRuns: 30, confidence: 0.95, notWorse: ['firstAttemptValidation', 'reviewerAcceptance'], minRate: 0 },
  domain: { kind: 'promotion-rule', tier: 'domain', minRuns: 20, confidence: 0.95, notWorse: ['firstAttemptValidation', 'reviewerAcceptance'], minRate: 0 },
  team: { kind: 'promotion-rule', tier: 'team', minRuns: 10, confidence: 0.95, notWorse: ['firstAttemptValidation', 'reviewerAcceptance'], minRate: 0 },
};

/** What the rule found: met when every figure is; `shortfalls` names each figure that is not, in words. */
export interface PromotionDecision {
  met: boolean;
  figures: PromotionFigure[];
  shortfalls: string[];
}

const pct = (x: number) => (Number.isNaN(x) ? 'n/a' : `${(x * 100).toFixed(1)}%`);

/**
 * Checks a candidate's figures against `rule` and, when there is one, the current
 * production version's figures. A proportion is "not worse within the confidence interval"
 * when the candidate's Wilson interval reaches the production version's (its upper bound at
 * or above production's lower bound, both at the confidence the figures were computed
 * with): only a candidate shown worse by the data is refused; a proportion with no samples is a
 * shortfall (nothing shows it is not worse). Without production, the candidate's point
 * estimate must reach `rule.minRate`.
 */
export function checkPromotion(rule: PromotionRule, candidate: OutcomeFigures, production?: OutcomeFigures): PromotionDecision {
  const figures: PromotionFigure[] = [];
  figures.push({ figure: 'runs', candidate: candidate.runs, n: candidate.runs, required: `at least ${rule.minRuns} runs`, met: candidate.runs >= rule.minRuns });
  for (const f of rule.notWorse) {
    const c = candidate[f];
    const p = production?.[f];
    if (p && p.n > 0) {
      figures.push({ figure: f, candidate: c.rate, interval: c.interval, n: c.n, production: p.rate, required: `not worse than production ${pct(p.rate)} (interval ${pct(p.interval[0])}–${pct(p.interval[1])}, n=${p.n}) within the ${rule.confidence * 100}% intervals`, met: c.n > 0 && c.interval[1] + 1e-9 >= p.interval[0] });
    } else {
      figures.push({ figure: f, candidate: c.rate, interval: c.interval, n: c.n, required: `at least ${pct(rule.minRate)} (no production version to compare with)`, met: c.n > 0 && c.rate >= rule.minRate });
    }
  }
  const shortfalls = figures
    .filter((f) => !f.met)
    .map((f) =>
      f.figure === 'runs'
        ? `runs: ${f.candidate} recorded, ${f.required}`
        : `${f.figure}: ${pct(f.candidate)} (interval ${f.interval ? `${pct(f.interval[0])}–${pct(f.interval[1])}` : 'n/a'}, n=${f.n}), needs ${f.required}`,
    );
  return { met: shortfalls.length === 0, figures, shortfalls };
}
