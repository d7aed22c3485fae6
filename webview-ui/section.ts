import { html, nothing, type TemplateResult } from 'lit-html';
import type { RenderContext } from './context';

/**
 * A foldable section (`<details>`) whose open state is view state: kept in the store by
 * `key`, so a snapshot that patches the panel, hiding the panel, or a reload leaves it as
 * the reader left it. Every view that adds a part to the panel (a gate's raw content, the
 * seed, an evidence section, later the gateway's tool calls) adds one of these.
 */
export function fold(
  ctx: RenderContext,
  key: string,
  summary: unknown,
  body: unknown,
  opts: { className?: string; byDefault?: boolean; testid?: string } = {},
): TemplateResult {
  return html`<details
    class=${opts.className ?? nothing}
    data-section=${key}
    data-testid=${opts.testid ?? nothing}
    ?open=${ctx.store.isOpen(key, opts.byDefault ?? false)}
    @toggle=${(e: Event) => ctx.store.setOpen(key, (e.currentTarget as HTMLDetailsElement).open)}
  ><summary>${summary}</summary>${body}</details>`;
}

/** A codicon (the editor's icon font), hidden from screen readers: the text beside it says the same. */
export function icon(name: string): TemplateResult {
  return html`<span class="codicon codicon-${name}" aria-hidden="true"></span>`;
}
