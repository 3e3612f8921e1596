/** Creates an element with a class and appends it to `parent`. */
export function append<K extends keyof HTMLElementTagNameMap>(parent: Node, tag: K, className: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  element.className = className;
  parent.appendChild(element);
  return element;
}
