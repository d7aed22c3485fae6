/**
 * One happy-dom window for the webview unit tests, installed as the globals the panel's
 * code and lit-html read (`document`, `window`, element classes, events). Created once per
 * test process and kept: lit-html captures `document` when it is first loaded, so the
 * webview modules must be required after this (`loadWebview`). Each test renders into a
 * fresh root element.
 */
import { Window } from 'happy-dom';
import type { VsCodeApi } from '../../../webview-ui/vscode-api';

let win: Window | undefined;

/** Installs the window (once) and returns it. */
export function installDom(): Window {
  if (win) return win;
  win = new Window({ url: 'https://webview.invalid/' });
  const g = globalThis as Record<string, unknown>;
  for (const name of ['document', 'HTMLElement', 'Element', 'Node', 'Text', 'Comment', 'DocumentFragment', 'HTMLTemplateElement', 'Event', 'KeyboardEvent', 'MouseEvent', 'CustomEvent', 'NodeFilter', 'customElements', 'requestAnimationFrame', 'MutationObserver', 'ShadowRoot', 'HTMLTextAreaElement', 'HTMLInputElement', 'HTMLSelectElement', 'HTMLDetailsElement'])
    if (!(name in g)) g[name] = (win as unknown as Record<string, unknown>)[name];
  g.window = win;
  return win;
}

/** A VS Code webview API double: records posted messages and keeps the state like VS Code does. */
export class FakeVsCodeApi implements VsCodeApi {
  readonly posted: unknown[] = [];
  state: unknown;
  constructor(state?: unknown) {
    this.state = state;
  }
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  getState(): unknown {
    return this.state === undefined ? undefined : structuredClone(this.state);
  }
  setState(state: unknown): void {
    this.state = structuredClone(state);
  }
}

/** Types `text` into a textarea or input as a person would (value, then an input event). */
export function type(el: Element | null, text: string): void {
  if (!el) throw new Error('no such field');
  (el as HTMLTextAreaElement).value = text;
  el.dispatchEvent(new (installDom().Event)('input', { bubbles: true }) as unknown as Event);
}
