import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CoverageSummary } from '../fuzz/coverage-tally.js';
import { writeFileAtomic } from './output.js';

const BARS = '▁▂▃▄▅▆▇█';

/** Distinct transitions over runs as one line of block characters (at most `width` wide). */
export function sparkline(curve: CoverageSummary['curve'], width = 40): string {
  if (curve.length === 0) return '';
  const step = Math.max(1, Math.ceil(curve.length / width));
  const points = curve.filter((_, i) => i % step === step - 1 || i === curve.length - 1);
  const top = Math.max(1, ...points.map(([, y]) => y));
  return points
    .map(([, y]) => BARS[Math.min(BARS.length - 1, Math.floor((y / top) * BARS.length))])
    .join('');
}

/** The terminal's coverage report: figures, the curve, and the sometimes table. */
export function coverageText(summary: CoverageSummary): string {
  const width = Math.max(...summary.sometimes.map((s) => s.situation.length));
  const lines = [
    `coverage: ${summary.states} abstract states, ${summary.transitions} transitions, ${summary.messages} message shapes in ${summary.runs} runs`,
    `transitions over runs: ${sparkline(summary.curve)} ${summary.transitions}`,
    'sometimes (runs that reached it):',
    ...summary.sometimes.map(
      (s) =>
        `  ${s.situation.padEnd(width)} ${String(s.runs).padStart(6)}${s.runs === 0 ? '  never' : ''}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/** The curve as a small standalone SVG (no script, no external resources). */
export function coverageSvg(summary: CoverageSummary, title: string): string {
  const w = 480;
  const h = 200;
  const pad = 40;
  const maxX = Math.max(1, ...summary.curve.map(([x]) => x));
  const maxY = Math.max(1, ...summary.curve.map(([, y]) => y));
  const px = (x: number) => (pad + ((w - 2 * pad) * x) / maxX).toFixed(1);
  const py = (y: number) => (h - pad - ((h - 2 * pad) * y) / maxY).toFixed(1);
  const points = [[0, 0] as const, ...summary.curve].map(([x, y]) => `${px(x)},${py(y)}`).join(' ');
  const escaped = title.replace(/[<>&]/g, (c) => `&#${c.charCodeAt(0)};`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="11">`,
    `<title>${escaped}</title>`,
    `<rect width="${w}" height="${h}" fill="white"/>`,
    `<text x="${pad}" y="20">${escaped}</text>`,
    `<line x1="${pad}" y1="${h - pad}" x2="${w - pad}" y2="${h - pad}" stroke="black"/>`,
    `<line x1="${pad}" y1="${pad}" x2="${pad}" y2="${h - pad}" stroke="black"/>`,
    `<text x="${w - pad}" y="${h - pad + 15}" text-anchor="end">${maxX} runs</text>`,
    `<text x="${pad - 4}" y="${pad + 4}" text-anchor="end">${maxY}</text>`,
    `<text x="${pad - 4}" y="${h - pad + 4}" text-anchor="end">0</text>`,
    `<polyline fill="none" stroke="steelblue" stroke-width="2" points="${points}"/>`,
    `<text x="${pad + 6}" y="${pad + 4}">distinct transitions</text>`,
    '</svg>',
    '',
  ].join('\n');
}

/** Writes `<reportsDir>/coverage-<mode>-seed<N>.svg`; returns its path. */
/** Where a campaign's coverage curve goes. */
export function coverageSvgPath(reportsDir: string, mode: string, baseSeed: number): string {
  return join(reportsDir, `coverage-${mode}-seed${baseSeed}.svg`);
}

export function writeCoverageSvg(
  reportsDir: string,
  mode: string,
  baseSeed: number,
  summary: CoverageSummary,
): string {
  mkdirSync(reportsDir, { recursive: true });
  const path = coverageSvgPath(reportsDir, mode, baseSeed);
  const title = `raftsim fuzz --mode ${mode} --seed ${baseSeed}: ${summary.transitions} transitions in ${summary.runs} runs`;
  writeFileAtomic(path, [coverageSvg(summary, title)]);
  return path;
}
