/**
 * Small DOM helper: text is always set with textContent, never parsed as HTML, because
 * snapshots carry repository text (design.md: repository text is rendered as text).
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; attrs?: Record<string, string> } = {},
  children: Node[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) node.setAttribute(k, v);
  children.forEach((c) => node.appendChild(c));
  return node;
}
