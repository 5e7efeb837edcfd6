/** `h('div.card', {onclick}, child, …)`: an element with classes, properties and children (strings become text). */
export function h(tag, props = {}, ...children) {
  const [name, ...classes] = tag.split('.');
  const element = document.createElement(name || 'div');
  if (classes.length) element.className = classes.join(' ');
  for (const [key, value] of Object.entries(props ?? {})) {
    if (key.startsWith('on')) element.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else if (value !== undefined && value !== null) element.setAttribute(key, String(value));
  }
  for (const child of children.flat())
    if (child !== null && child !== undefined && child !== false) element.append(child instanceof Node ? child : String(child));
  return element;
}

export function formatValue(value, unit) {
  if (value === null || value === undefined) return 'no data';
  if (unit === 'ratio') return `${(value * 100).toFixed(1)} %`;
  if (unit === 'ms') return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
  if (unit === 'usd') return `$${value.toFixed(4)}`;
  return String(Math.round(value * 100) / 100);
}

/** A small line chart of `points` (numbers or null for gaps) as inline SVG, with the gate's limit as a dashed line. */
export function sparkline(points, limit) {
  const width = 160;
  const height = 36;
  const known = points.filter((p) => p !== null);
  const max = Math.max(limit ?? 0, ...known, 1e-9);
  const x = (i) => (points.length > 1 ? (i / (points.length - 1)) * width : width / 2);
  const y = (v) => height - 2 - (v / max) * (height - 4);
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('class', 'spark');
  const path = points
    .map((p, i) => (p === null ? null : `${x(i).toFixed(1)},${y(p).toFixed(1)}`))
    .filter(Boolean)
    .join(' ');
  svg.innerHTML =
    (limit !== undefined ? `<line x1="0" x2="${width}" y1="${y(limit)}" y2="${y(limit)}" class="limit"/>` : '') +
    (path ? `<polyline points="${path}" class="line"/>` : `<text x="4" y="${height / 2}" class="empty">no data yet</text>`) +
    // Dots too: a window with one bucket of data has no line to draw.
    points.map((p, i) => (p === null ? '' : `<circle cx="${x(i).toFixed(1)}" cy="${y(p).toFixed(1)}" r="1.8" class="dot"/>`)).join('');
  return svg;
}
