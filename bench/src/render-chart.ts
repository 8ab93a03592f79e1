/**
 * The chart of results.md, as SVG text. Hand-written: it is two small bar
 * panels with a goal line each, and the chart libraries that render SVG
 * outside a browser (vega, echarts' SSR) bring dozens of packages for that;
 * rectangles and text are enough, and the file stays readable in a diff.
 */

export interface Bar {
  label: string;
  value: number;
  /** A second line under the label, e.g. the figures the ratio is made of. */
  note: string;
}

export interface Panel {
  title: string;
  /** The goal line; `atLeast`: bars at or above it meet it, else at or below. */
  goal: { value: number; label: string; atLeast: boolean };
  /** False when the run was too loaded to judge the goal: the bars are grey. */
  judged: boolean;
  bars: Bar[];
  /** How a value is printed above its bar. */
  format(value: number): string;
}

const panelWidth = 420;
const height = 330;
const top = 70;
const plotHeight = 180;
const colors = {
  met: '#2e7d32',
  missed: '#c62828',
  unjudged: '#9e9e9e',
  goal: '#555',
  text: '#222',
  muted: '#666',
};

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function renderPanel(panel: Panel, x0: number): string {
  const max = Math.max(panel.goal.value * 1.25, ...panel.bars.map((bar) => bar.value * 1.15));
  const y = (value: number) => top + plotHeight - (value / max) * plotHeight;
  const slot = (panelWidth - 60) / panel.bars.length;
  const parts = [
    `<text x="${x0 + 20}" y="30" font-size="15" font-weight="bold" fill="${colors.text}">${escapeXml(panel.title)}</text>`,
    `<line x1="${x0 + 30}" y1="${top + plotHeight}" x2="${x0 + panelWidth - 20}" y2="${top + plotHeight}" stroke="${colors.goal}"/>`,
  ];
  const goalY = y(panel.goal.value).toFixed(1);
  // The goal's label is a key under the title, not text on the line, where a
  // bar's figure near the goal would overlap it; the line is drawn first, under
  // the bars, and each figure has a white outline where the line crosses it.
  parts.push(
    `<line x1="${x0 + 30}" y1="${goalY}" x2="${x0 + panelWidth - 20}" y2="${goalY}" stroke="${colors.goal}" stroke-dasharray="6 4"/>`,
    `<line x1="${x0 + 20}" y1="46" x2="${x0 + 44}" y2="46" stroke="${colors.goal}" stroke-dasharray="6 4"/>`,
    `<text x="${x0 + 50}" y="50" font-size="11" fill="${colors.goal}">${escapeXml(panel.goal.label)}</text>`,
  );
  panel.bars.forEach((bar, i) => {
    const met = panel.goal.atLeast ? bar.value >= panel.goal.value : bar.value <= panel.goal.value;
    const color = !panel.judged ? colors.unjudged : met ? colors.met : colors.missed;
    const barWidth = slot * 0.5;
    const x = x0 + 40 + i * slot + (slot - barWidth) / 2;
    const center = x + barWidth / 2;
    parts.push(
      `<rect x="${x.toFixed(1)}" y="${y(bar.value).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(top + plotHeight - y(bar.value)).toFixed(1)}" fill="${color}"/>`,
      `<text x="${center.toFixed(1)}" y="${(y(bar.value) - 6).toFixed(1)}" font-size="14" font-weight="bold" text-anchor="middle" fill="${color}" stroke="#fff" stroke-width="4" paint-order="stroke">${escapeXml(panel.format(bar.value))}${met ? '' : ' ✗'}</text>`,
      `<text x="${center.toFixed(1)}" y="${top + plotHeight + 20}" font-size="13" text-anchor="middle" fill="${colors.text}">${escapeXml(bar.label)}</text>`,
      `<text x="${center.toFixed(1)}" y="${top + plotHeight + 38}" font-size="11" text-anchor="middle" fill="${colors.muted}">${escapeXml(bar.note)}</text>`,
    );
  });
  return parts.join('\n');
}

/** Panels side by side, with a footnote under them; `title` is what a screen reader says. */
export function renderChart(panels: Panel[], footnote: string, title: string): string {
  const width = panelWidth * panels.length;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...panels.map((panel, i) => renderPanel(panel, i * panelWidth)),
    `<text x="20" y="${height - 12}" font-size="11" fill="${colors.muted}">${escapeXml(footnote)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
